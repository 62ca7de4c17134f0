package dev.mcpd.domain.port;

import dev.mcpd.domain.model.Pid;
import java.util.List;
import java.util.Optional;

/**
 * Tells whether processes are alive, guarding against pid reuse (B-L2, B-L3).
 *
 * <p>Invariants, checked by {@code LivenessProbeContract}:
 * <ol>
 *   <li>{@link #identify} returns the pid with its start instant, or empty when no such process runs.
 *   <li>{@link #check} is {@link Liveness#DEAD} when the process is gone or the pid now names a process that
 *       started at another instant (reuse); {@link Liveness#UNKNOWN} when it cannot tell (e.g. no permission).
 *   <li>{@link #onExit} runs its action once, after the process has exited (at once if it already has), unless
 *       its {@link ExitWatch} was closed first: a closed watch never runs its action and holds nothing (review
 *       finding 4: a watch that outlives its connection leaks the connection for as long as the process lives).
 * </ol>
 */
public interface LivenessProbe {

    /** The three answers a liveness check can give. */
    enum Liveness { ALIVE, DEAD, UNKNOWN }

    /** The running process with this number, with its start instant; empty if none runs. */
    Optional<Pid> identify(long pid);

    /** Whether the process {@code pid} names is still the one running. */
    Liveness check(Pid pid);

    /**
     * The parent chain of a running process, nearest first: its parent, that one's parent, and so on up to the
     * root of its pid namespace. Used to check that a hello's host pid is an ancestor of the kernel's proxy pid
     * (review finding 20).
     *
     * @return the ancestors' pids; empty when the process is gone or the platform cannot tell (then no check is made)
     */
    default List<Long> ancestors(long pid) {
        return List.of();
    }

    /**
     * Runs {@code action} once when the process exits. Returns at once.
     *
     * @return the watch; close it when the action is no longer wanted (the connection it would close has ended)
     */
    ExitWatch onExit(Pid pid, Runnable action);

    /**
     * One registration of {@link #onExit}. Closing it withdraws the action and releases what the probe holds for
     * it; it is idempotent, never throws, and is harmless after the action ran.
     */
    @FunctionalInterface
    interface ExitWatch extends AutoCloseable {

        /** A watch with nothing to release (the action already ran, or nothing was registered). */
        ExitWatch NONE = () -> {};

        @Override
        void close();
    }
}
