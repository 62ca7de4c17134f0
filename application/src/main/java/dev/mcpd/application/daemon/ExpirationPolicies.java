package dev.mcpd.application.daemon;

import dev.mcpd.domain.model.ClientInfo;
import dev.mcpd.domain.model.Pid;
import dev.mcpd.domain.policy.ExpirationPolicy;
import dev.mcpd.domain.policy.ExpirationResult;
import dev.mcpd.domain.port.ClientRegistry;
import dev.mcpd.domain.port.LivenessProbe;
import dev.mcpd.domain.port.StateDirectory;
import dev.mcpd.domain.port.Transport;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** The daemon's expiration policies (B-L4, B-L5, B-L6). Pure: each reads state and returns a decision. */
public final class ExpirationPolicies {

    private ExpirationPolicies() {}

    /**
     * Expires gracefully when the daemon has had zero clients and zero calls for {@code timeout} (B-L4).
     * A zero timeout never expires: the daemon is resident.
     */
    public static ExpirationPolicy idleFor(ActivityTracker activity, Clock clock, Duration timeout) {
        return () -> {
            if (timeout.isZero()) {
                return ExpirationResult.DO_NOT_EXPIRE;
            }
            Instant since = activity.idleSince();
            if (since == null || Duration.between(since, clock.instant()).compareTo(timeout) < 0) {
                return ExpirationResult.DO_NOT_EXPIRE;
            }
            return ExpirationResult.graceful("idle: no clients and no calls for " + timeout.toSeconds() + " s");
        };
    }

    /**
     * The inactivity backstop (B-L5): expires gracefully when clients are attached but none has sent or received a
     * line for {@code maxIdle} and none can be shown to be alive (its proxy or host process running). A live but
     * quiet client is never cut off; a client whose pids are unknown cannot be shown alive. Zero disables it.
     */
    public static ExpirationPolicy inactivityBackstop(ClientRegistry registry, LivenessProbe probe, Clock clock,
            Duration maxIdle) {
        return () -> {
            if (maxIdle.isZero()) {
                return ExpirationResult.DO_NOT_EXPIRE;
            }
            List<ClientInfo> clients = registry.snapshot();
            if (clients.isEmpty()) {
                return ExpirationResult.DO_NOT_EXPIRE; // the idle timer's case (B-L4)
            }
            Instant last = clients.stream().map(ClientInfo::lastActivity).max(Instant::compareTo).orElseThrow();
            if (Duration.between(last, clock.instant()).compareTo(maxIdle) < 0) {
                return ExpirationResult.DO_NOT_EXPIRE;
            }
            for (ClientInfo client : clients) {
                if (provablyAlive(client.proxyPid(), probe) || provablyAlive(client.hostPid(), probe)) {
                    return ExpirationResult.DO_NOT_EXPIRE;
                }
            }
            return ExpirationResult.graceful("inactivity backstop: no traffic for " + maxIdle.toSeconds() + " s and none of "
                    + clients.size() + " client(s) provably alive");
        };
    }

    private static boolean provablyAlive(Pid pid, LivenessProbe probe) {
        return pid != null && probe.check(pid) == LivenessProbe.Liveness.ALIVE;
    }

    /**
     * Expires at once when the daemon's own endpoint is gone: an endpoint one of its transports bound is no longer
     * its own (a socket file removed or replaced), or its lock file was removed or replaced, so no proxy can find it
     * any more and a new daemon may already own the scope (B-L6, B-S5). Each transport is asked about what it
     * actually bound, so a fallback socket path or an abstract name is never mistaken for a lost
     * {@code <state>/daemon.sock} (review finding 3).
     *
     * @param transports the transports the daemon started
     */
    public static ExpirationPolicy endpointLost(StateDirectory state, Collection<Transport> transports) {
        List<Transport> started = List.copyOf(transports);
        return () -> {
            for (Transport transport : started) {
                Optional<String> problem = transport.endpointProblem();
                if (problem.isPresent()) {
                    return ExpirationResult.immediate("endpoint lost: " + problem.get());
                }
            }
            Optional<String> problem = state.integrityProblem();
            return problem.isPresent() ? ExpirationResult.immediate("endpoint lost: " + problem.get())
                    : ExpirationResult.DO_NOT_EXPIRE;
        };
    }
}
