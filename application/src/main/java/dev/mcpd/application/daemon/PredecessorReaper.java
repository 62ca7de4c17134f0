package dev.mcpd.application.daemon;

import dev.mcpd.domain.model.DaemonRecord;
import dev.mcpd.domain.model.Pid;
import dev.mcpd.domain.port.LivenessProbe;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A record left by a daemon that is gone means it died without shutting down (SIGKILL, a crash): the child processes
 * of its engines may still run. They are found and stopped before this daemon starts its own (B-E3), and the death is
 * appended to the exit history with its exit code unknown (B-L6; review finding 17). Runs only under the scope lock.
 */
final class PredecessorReaper {

    private static final Logger log = LoggerFactory.getLogger(PredecessorReaper.class);
    /** How long the predecessor's leftover processes get to end before they are killed. */
    private static final Duration LEFTOVER_GRACE = Duration.ofMillis(500);

    private final DaemonIdentity identity;
    private final DaemonPorts ports;

    PredecessorReaper(DaemonContext daemon) {
        this.identity = daemon.identity();
        this.ports = daemon.ports();
    }

    /** Reaps the predecessor named by the record, if that record's process is dead; otherwise does nothing. */
    void reap() {
        Optional<DaemonRecord> stale = ports.state().readRecord();
        if (stale.isEmpty() || stale.get().pid().sameProcessAs(identity.pid())
                || ports.probe().check(stale.get().pid()) != LivenessProbe.Liveness.DEAD) {
            return;
        }
        long pid = stale.get().pid().value();
        String leftoverNote = "";
        try {
            List<Pid> found = ports.leftovers().find(stale.get().pid());
            if (!found.isEmpty()) {
                int left = ports.leftovers().stop(found, LEFTOVER_GRACE);
                log.warn("daemon pid {} died without shutting down and left {} process(es) running: {}; stopped them{} (B-E3)",
                        pid, found.size(), found, left == 0 ? "" : ", " + left + " would not die");
                leftoverNote = "; " + found.size() + " leftover process(es) stopped";
            }
        } catch (RuntimeException e) {
            log.error("could not look for the leftovers of daemon pid {}", pid, e);
        }
        // Its own exit was never recorded: SIGKILL, a crash and -XX:OnOutOfMemoryError's kill leave no chance to
        // (review finding 17). Its daemon.log's last lines say which.
        log.warn("daemon pid {} died without shutting down (SIGKILL, a crash or out of memory; its exit code is unknown, "
                + "daemon.log has its last lines) (B-L6)", pid);
        ports.state().recordExit(ports.clock().instant() + " pid " + pid + " died without shutting down" + leftoverNote
                + "; found by pid " + identity.pid().value()
                + "; exit code unknown (SIGKILL, a crash or out of memory; see daemon.log)");
    }
}
