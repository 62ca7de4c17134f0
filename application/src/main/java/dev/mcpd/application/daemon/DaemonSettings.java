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
 * @param admission limits on connections before and while they send lines (review findings 5 and 16)
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
        int maxCallsPerClient,
        Admission admission) {

    /** The default of {@link #maxCallsPerClient}: twice the hyperd pool, so one client cannot hold all of it for long. */
    public static final int DEFAULT_MAX_CALLS_PER_CLIENT = 16;

    public static final DaemonSettings DEFAULTS = new DaemonSettings(Duration.ofMinutes(5), Duration.ofSeconds(1),
            Duration.ofSeconds(10), Duration.ofMinutes(10), 16 * 1024 * 1024, 100, Duration.ofSeconds(30),
            Duration.ofMinutes(30), DEFAULT_MAX_CALLS_PER_CLIENT, Admission.DEFAULTS);

    /**
     * What a connection may cost before it is turned away (review findings 5 and 16).
     *
     * @param helloTimeout the longest a new connection may take to send its first whole line; past it the connection
     *     is closed and leaves no trace (B-W3, B-L1). Default 3 s
     * @param maxConnectionsPerTransport connections open at once on one transport; one more is accepted and closed at
     *     once with a log line. Default 1024
     * @param lineBudgetBytes the bytes all connections together may buffer for lines still arriving; a connection
     *     whose line needs more than is left gets {@code -32600} and is closed. Default 256 MiB (half the 512 MiB
     *     heap a cold-started daemon gets)
     */
    public record Admission(Duration helloTimeout, int maxConnectionsPerTransport, long lineBudgetBytes) {

        public static final Admission DEFAULTS = new Admission(Duration.ofSeconds(3), 1024, 256L * 1024 * 1024);

        public Admission {
            requireNonNull(helloTimeout, "helloTimeout is null");
            if (helloTimeout.isZero() || helloTimeout.isNegative()) {
                throw new IllegalArgumentException("helloTimeout must be positive");
            }
            if (maxConnectionsPerTransport < 1) {
                throw new IllegalArgumentException("maxConnectionsPerTransport must be at least 1");
            }
            if (lineBudgetBytes < 1) {
                throw new IllegalArgumentException("lineBudgetBytes must be positive");
            }
        }
    }

    public DaemonSettings {
        requireNonNull(idleTimeout, "idleTimeout is null");
        requireNonNull(checkInterval, "checkInterval is null");
        requireNonNull(shutdownGrace, "shutdownGrace is null");
        requireNonNull(callTimeout, "callTimeout is null");
        requireNonNull(clientSweep, "clientSweep is null");
        requireNonNull(maxIdle, "maxIdle is null");
        requireNonNull(admission, "admission is null");
        if (clientSweep.isZero() || clientSweep.isNegative()) {
            throw new IllegalArgumentException("clientSweep must be positive");
        }
        if (maxCallsPerClient < 1) {
            throw new IllegalArgumentException("maxCallsPerClient must be at least 1");
        }
    }

    /** Settings with the default cap on calls per client and the default admission limits. */
    public DaemonSettings(Duration idleTimeout, Duration checkInterval, Duration shutdownGrace, Duration callTimeout,
            int maxLineBytes, int toolsPageSize, Duration clientSweep, Duration maxIdle) {
        this(idleTimeout, checkInterval, shutdownGrace, callTimeout, maxLineBytes, toolsPageSize, clientSweep, maxIdle,
                DEFAULT_MAX_CALLS_PER_CLIENT, Admission.DEFAULTS);
    }

    /** Settings with the default admission limits. */
    public DaemonSettings(Duration idleTimeout, Duration checkInterval, Duration shutdownGrace, Duration callTimeout,
            int maxLineBytes, int toolsPageSize, Duration clientSweep, Duration maxIdle, int maxCallsPerClient) {
        this(idleTimeout, checkInterval, shutdownGrace, callTimeout, maxLineBytes, toolsPageSize, clientSweep, maxIdle,
                maxCallsPerClient, Admission.DEFAULTS);
    }

    /** Settings with the default cap on calls per client. */
    public DaemonSettings(Duration idleTimeout, Duration checkInterval, Duration shutdownGrace, Duration callTimeout,
            int maxLineBytes, int toolsPageSize, Duration clientSweep, Duration maxIdle, Admission admission) {
        this(idleTimeout, checkInterval, shutdownGrace, callTimeout, maxLineBytes, toolsPageSize, clientSweep, maxIdle,
                DEFAULT_MAX_CALLS_PER_CLIENT, admission);
    }

    /** Settings with the default sweep period and backstop. */
    public DaemonSettings(Duration idleTimeout, Duration checkInterval, Duration shutdownGrace, Duration callTimeout,
            int maxLineBytes, int toolsPageSize) {
        this(idleTimeout, checkInterval, shutdownGrace, callTimeout, maxLineBytes, toolsPageSize,
                Duration.ofSeconds(30), Duration.ofMinutes(30), DEFAULT_MAX_CALLS_PER_CLIENT, Admission.DEFAULTS);
    }
}
