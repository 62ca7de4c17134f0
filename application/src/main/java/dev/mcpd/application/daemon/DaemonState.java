package dev.mcpd.application.daemon;

/**
 * Where a {@link Daemon} is in its life, in the order it moves through them; {@link DaemonStateCoordinator} holds the
 * one current value (the shape of Gradle's {@code DaemonStateCoordinator}). A state is never left for an earlier one.
 */
public enum DaemonState {
    /** Not yet serving: taking the scope lock, reaping a predecessor, starting engines and transports (B-S1, B-S3). */
    STARTING,
    /** Transports listen and clients are served until a stop is requested. */
    SERVING,
    /**
     * A stop was requested (a signal, {@code daemon stop}, {@code daemon_stop}, expiration): the orderly shutdown runs
     * (B-E1).
     */
    STOP_REQUESTED,
    /** A second stop signal asked for the shutdown to be forced now (B-E2); the shutdown watchdog fires at once. */
    FORCE_STOP_REQUESTED,
    /**
     * The shutdown watchdog fired: every connection is closed, and the process halts if the shutdown does not end
     * (B-E2).
     */
    FORCE_STOPPING,
    /** {@link Daemon#run} has returned, or will at once; terminal. */
    STOPPED;

    /** @return true once a stop has been requested, in any form, or the daemon has stopped */
    public boolean isStopping() {
        return compareTo(STOP_REQUESTED) >= 0;
    }
}
