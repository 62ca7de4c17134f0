package dev.mcpd.domain.port;

import dev.mcpd.domain.model.Pid;
import java.util.Optional;

/**
 * Tells whether processes are alive, guarding against pid reuse (B-L2, B-L3).
 *
 * <p>Invariants, checked by {@code LivenessProbeContract}:
 * <ol>
 *   <li>{@link #identify} returns the pid with its start instant, or empty when no such process runs.
 *   <li>{@link #check} is {@link Liveness#DEAD} when the process is gone or the pid now names a process that
 *       started at another instant (reuse); {@link Liveness#UNKNOWN} when it cannot tell (e.g. no permission).
 *   <li>{@link #onExit} runs its action once, after the process has exited (at once if it already has).
 * </ol>
 */
public interface LivenessProbe {

    /** The three answers a liveness check can give. */
    enum Liveness { ALIVE, DEAD, UNKNOWN }

    /** The running process with this number, with its start instant; empty if none runs. */
    Optional<Pid> identify(long pid);

    /** Whether the process {@code pid} names is still the one running. */
    Liveness check(Pid pid);

    /** Runs {@code action} once when the process exits. Returns at once. */
    void onExit(Pid pid, Runnable action);
}
