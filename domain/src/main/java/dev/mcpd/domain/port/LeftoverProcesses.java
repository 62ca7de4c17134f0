package dev.mcpd.domain.port;

import dev.mcpd.domain.model.Availability;
import dev.mcpd.domain.model.Pid;
import java.time.Duration;
import java.util.List;

/**
 * Finds and stops what a SIGKILLed daemon left behind (B-E3): the child processes of its engines, which outlive it
 * because nothing closed them. Used by the next lock holder of the scope, never on a live daemon.
 *
 * <p>Invariants: {@link #find} returns only processes that provably belonged to the dead daemon, never the caller,
 * never a process that started before the dead daemon did; where that cannot be proven the answer is empty.
 */
public interface LeftoverProcesses {

    /** An implementation that finds nothing, for platforms or tests without the means. */
    static LeftoverProcesses none() {
        return new LeftoverProcesses() {
            @Override
            public Availability availability() {
                return Availability.unavailable("leftover processes are not looked for here");
            }

            @Override
            public List<Pid> find(Pid deadDaemon) {
                return List.of();
            }

            @Override
            public int stop(List<Pid> processes, Duration grace) {
                return 0;
            }
        };
    }

    /** Whether leftovers can be found on this platform, and if not why. */
    Availability availability();

    /**
     * The processes the dead daemon left running.
     *
     * @param deadDaemon the dead daemon's pid with its start instant, from its stale {@code daemon.json}
     * @return the leftovers, possibly empty; empty when the daemon is still alive
     */
    List<Pid> find(Pid deadDaemon);

    /**
     * Stops the given processes: SIGTERM, then SIGKILL for those still running after {@code grace}.
     *
     * @return how many were still running after the SIGKILL (0 when all are gone)
     */
    int stop(List<Pid> processes, Duration grace);
}
