package dev.mcpd.application.daemon;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * The daemon's settings, with the defaults of {@code BEHAVIOURS.md}. Bound from config and {@code MCPD_*}
 * variables in bootstrap; validated there, all problems at once (B-X2).
 *
 * @param idleTimeout exit after this long with zero clients and zero calls; zero means resident (B-L4)
 * @param checkInterval how often expiration policies run
 * @param shutdownGrace the longest an orderly shutdown may take before resources are force-closed (B-E2)
 * @param callTimeout the longest one tool call may run
 * @param maxLineBytes the longest line accepted from a client (B-C4)
 * @param toolsPageSize tools per {@code tools/list} page (B-M5)
 * @param clientSweep how often the liveness sweep checks every client's proxy and host process (B-L3)
 * @param maxIdle the inactivity backstop: no traffic for this long and no client provably alive (B-L5); zero = off
 * @param maxCallsPerClient the most {@code tools/call} requests one client may have running at once; a call beyond
 *        it is refused with an error at once, never queued (B-M8, B-B3; review finding 12). Default
 *        {@value #DEFAULT_MAX_CALLS_PER_CLIENT}, at least 1
 */
public record DaemonSettings(
        Duration idleTimeout,
        Duration checkInterval,
        Duration shutdownGrace,
        Duration callTimeout,
        int maxLineBytes,
        int toolsPageSize,
        Duration clientSweep,
        Duration maxIdle,
        int maxCallsPerClient) {

    /** The default of {@link #maxCallsPerClient}: twice the hyperd pool, so one client cannot hold all of it for long. */
    public static final int DEFAULT_MAX_CALLS_PER_CLIENT = 16;

    public static final DaemonSettings DEFAULTS = new DaemonSettings(Duration.ofMinutes(5), Duration.ofSeconds(1),
            Duration.ofSeconds(10), Duration.ofMinutes(10), 16 * 1024 * 1024, 100, Duration.ofSeconds(30),
            Duration.ofMinutes(30), DEFAULT_MAX_CALLS_PER_CLIENT);

    public DaemonSettings {
        requireNonNull(idleTimeout, "idleTimeout is null");
        requireNonNull(checkInterval, "checkInterval is null");
        requireNonNull(shutdownGrace, "shutdownGrace is null");
        requireNonNull(callTimeout, "callTimeout is null");
        requireNonNull(clientSweep, "clientSweep is null");
        requireNonNull(maxIdle, "maxIdle is null");
        if (clientSweep.isZero() || clientSweep.isNegative()) {
            throw new IllegalArgumentException("clientSweep must be positive");
        }
        if (maxCallsPerClient < 1) {
            throw new IllegalArgumentException("maxCallsPerClient must be at least 1");
        }
    }

    /** Settings with the default cap on calls per client. */
    public DaemonSettings(Duration idleTimeout, Duration checkInterval, Duration shutdownGrace, Duration callTimeout,
            int maxLineBytes, int toolsPageSize, Duration clientSweep, Duration maxIdle) {
        this(idleTimeout, checkInterval, shutdownGrace, callTimeout, maxLineBytes, toolsPageSize, clientSweep, maxIdle,
                DEFAULT_MAX_CALLS_PER_CLIENT);
    }

    /** Settings with the default sweep period and backstop. */
    public DaemonSettings(Duration idleTimeout, Duration checkInterval, Duration shutdownGrace, Duration callTimeout,
            int maxLineBytes, int toolsPageSize) {
        this(idleTimeout, checkInterval, shutdownGrace, callTimeout, maxLineBytes, toolsPageSize,
                Duration.ofSeconds(30), Duration.ofMinutes(30), DEFAULT_MAX_CALLS_PER_CLIENT);
    }
}
