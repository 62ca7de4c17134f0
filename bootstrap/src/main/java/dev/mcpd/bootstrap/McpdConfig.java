package dev.mcpd.bootstrap;

import dev.mcpd.adapter.secondary.state.FileStateDirectory;
import dev.mcpd.application.daemon.DaemonSettings;
import dev.mcpd.domain.error.ConfigurationException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * mcpd's configuration, from {@code MCPD_*} environment variables (house rule 7; defaults in README.md).
 * {@link #fromEnvironment} validates every key and reports every problem at once, naming unknown keys (B-X2).
 *
 * @param stateDir the state dir (B-S6)
 * @param logLevel {@code error|warn|info|debug|trace}
 * @param noDaemon serve in-process from the start (B-G4)
 * @param idleTimeout daemon idle timeout; zero = resident (B-L4)
 * @param shutdownGrace shutdown grace period (B-E2)
 * @param callTimeout longest tool call
 * @param maxLineBytes longest line, bytes (B-C4)
 * @param connectTimeout how long a proxy waits for a cold-started daemon (B-S3)
 * @param hostPid the host process past a launcher shim (B-G1), or {@code null}
 * @param engines the optional engines to enable, e.g. {@code containers}; {@code hyperd} is opt-in (ADR 0007)
 * @param clientSweep how often the daemon's liveness sweep runs (B-L3)
 * @param maxIdle the inactivity backstop; zero = off (B-L5)
 * @param ppidPoll how often a proxy checks that its host lives (B-G1), {@code MCPD_PPID_POLL}, default 5s
 * @param startupTimeout how long a proxy waits for its host's first byte; zero = forever (B-G2),
 *        {@code MCPD_STARTUP_TIMEOUT}, default 15m
 * @param tcp the TCP transport's settings ({@code MCPD_TCP_*}; off by default)
 * @param maxCallsPerClient the most tool calls one client may have running in the daemon (review finding 12),
 *        {@code MCPD_DAEMON_MAX_CALLS_PER_CLIENT}, default 16, at least 1
 * @param admission what a daemon connection may cost (review findings 5, 16): {@code MCPD_DAEMON_HELLO_TIMEOUT}
 *        (default 3s, B-W3), {@code MCPD_DAEMON_MAX_CONNECTIONS} per transport (default 1024),
 *        {@code MCPD_DAEMON_LINE_BUDGET} bytes over all connections (default 268435456, 256 MiB)
 */
public record McpdConfig(
        Path stateDir,
        String logLevel,
        boolean noDaemon,
        Duration idleTimeout,
        Duration shutdownGrace,
        Duration callTimeout,
        int maxLineBytes,
        Duration connectTimeout,
        Long hostPid,
        Set<String> engines,
        Duration clientSweep,
        Duration maxIdle,
        Duration ppidPoll,
        Duration startupTimeout,
        TcpConfig tcp,
        int maxCallsPerClient,
        DaemonSettings.Admission admission) {

    /** Every variable mcpd reads; any other {@code MCPD_*} variable is an error. */
    public static final List<String> KEYS = Stream.concat(TcpConfig.KEYS.stream(), Stream.of("MCPD_STATE_DIR", "MCPD_LOG_LEVEL", "MCPD_NO_DAEMON",
            "MCPD_DAEMON_IDLE_TIMEOUT", "MCPD_DAEMON_SHUTDOWN_GRACE", "MCPD_DAEMON_CALL_TIMEOUT", "MCPD_DAEMON_MAX_LINE",
            "MCPD_CONNECT_TIMEOUT", "MCPD_HOST_PID", "MCPD_ENGINES", "MCPD_CONTAINER_HOST", "MCPD_HYPERD_PATH",
            "MCPD_TEST_TIME_MULTIPLIER", "MCPD_TEST_PODMAN_SOCK", "MCPD_TEST_SKIP_PODMAN", "MCPD_JAVA_OPTS",
            "MCPD_DAEMON_CLIENT_SWEEP", "MCPD_DAEMON_MAX_IDLE", "MCPD_PPID_POLL", "MCPD_STARTUP_TIMEOUT",
            "MCPD_DAEMON_MAX_CALLS_PER_CLIENT", "MCPD_DAEMON_HELLO_TIMEOUT", "MCPD_DAEMON_MAX_CONNECTIONS",
            "MCPD_DAEMON_LINE_BUDGET")).toList();

    /** The engines this build knows. */
    public static final Set<String> KNOWN_ENGINES = Set.of("containers", "hyperd", "diagnostics");

    /**
     * Reads the configuration.
     *
     * @throws ConfigurationException listing every problem
     */
    public static McpdConfig fromEnvironment(Map<String, String> env) {
        List<String> problems = new ArrayList<>();
        for (String key : new TreeSet<>(env.keySet())) {
            if (key.startsWith("MCPD_") && !KEYS.contains(key)) {
                problems.add("unknown setting " + key + " (known: " + String.join(", ", KEYS) + ")");
            }
        }
        Path stateDir = stateDir(env.get("MCPD_STATE_DIR"), problems);
        String logLevel = env.getOrDefault("MCPD_LOG_LEVEL", "info").toLowerCase(Locale.ROOT);
        if (!List.of("error", "warn", "info", "debug", "trace").contains(logLevel)) {
            problems.add("MCPD_LOG_LEVEL='" + logLevel + "' must be one of error, warn, info, debug, trace");
        }
        String noDaemonText = env.getOrDefault("MCPD_NO_DAEMON", "");
        boolean noDaemon = List.of("1", "true", "yes").contains(noDaemonText.toLowerCase(Locale.ROOT));
        if (!noDaemon && !List.of("", "0", "false", "no").contains(noDaemonText.toLowerCase(Locale.ROOT))) {
            problems.add("MCPD_NO_DAEMON='" + noDaemonText + "' must be 1 or 0");
        }
        Duration idle = duration(env, "MCPD_DAEMON_IDLE_TIMEOUT", "5m", problems);
        Duration grace = duration(env, "MCPD_DAEMON_SHUTDOWN_GRACE", "10s", problems);
        Duration call = duration(env, "MCPD_DAEMON_CALL_TIMEOUT", "10m", problems);
        Duration connect = duration(env, "MCPD_CONNECT_TIMEOUT", "10s", problems);
        Duration sweep = duration(env, "MCPD_DAEMON_CLIENT_SWEEP", "30s", problems);
        if (sweep != null && sweep.isZero()) {
            problems.add("MCPD_DAEMON_CLIENT_SWEEP must be longer than 0 (e.g. 30s)");
        }
        Duration maxIdle = duration(env, "MCPD_DAEMON_MAX_IDLE", "30m", problems);
        Duration ppidPoll = duration(env, "MCPD_PPID_POLL", "5s", problems);
        if (ppidPoll != null && ppidPoll.isZero()) {
            problems.add("MCPD_PPID_POLL must be longer than 0 (e.g. 5s)");
        }
        Duration startupTimeout = duration(env, "MCPD_STARTUP_TIMEOUT", "15m", problems);
        Integer maxLine = number(env, "MCPD_DAEMON_MAX_LINE", "16777216", Integer::parseInt, problems);
        if (maxLine != null && maxLine < 4096) {
            problems.add("MCPD_DAEMON_MAX_LINE=" + maxLine + " must be at least 4096 bytes");
        }
        Integer maxCallsPerClient = number(env, "MCPD_DAEMON_MAX_CALLS_PER_CLIENT", "16", Integer::parseInt, problems);
        if (maxCallsPerClient != null && maxCallsPerClient < 1) {
            problems.add("MCPD_DAEMON_MAX_CALLS_PER_CLIENT=" + maxCallsPerClient + " must be at least 1 (default 16)");
        }
        Long hostPid = env.containsKey("MCPD_HOST_PID") ? number(env, "MCPD_HOST_PID", null, Long::parseLong, problems) : null;
        if (hostPid != null && hostPid <= 0) {
            problems.add("MCPD_HOST_PID=" + hostPid + " must be a positive pid");
        }
        Set<String> engines = new LinkedHashSet<>();
        for (String name : env.getOrDefault("MCPD_ENGINES", "containers").split(",")) {
            String n = name.trim();
            if (n.isEmpty() || "none".equals(n)) {
                continue;
            }
            if (!KNOWN_ENGINES.contains(n)) {
                problems.add("MCPD_ENGINES names unknown engine '" + n + "' (known: containers, hyperd, diagnostics)");
            }
            engines.add(n);
        }
        TcpConfig tcp = TcpConfig.fromEnvironment(env, problems);
        DaemonSettings.Admission admission = admission(env, maxLine, problems);
        if (!problems.isEmpty()) {
            throw new ConfigurationException(problems);
        }
        return new McpdConfig(stateDir, logLevel, noDaemon, idle, grace, call, maxLine, connect, hostPid, Set.copyOf(engines),
                sweep, maxIdle, ppidPoll, startupTimeout, tcp, maxCallsPerClient, admission);
    }

    /**
     * {@code MCPD_STATE_DIR}, which must be absolute: hosts start servers in different working directories and do
     * not expand {@code ~} in their configs, so a relative or {@code ~} path would give each host its own daemon.
     * Unset, the default is derived from the uid alone, never from what a host forwards
     * ({@link FileStateDirectory#defaultRoot()}).
     */
    private static Path stateDir(String value, List<String> problems) {
        if (value == null || value.isBlank()) {
            return FileStateDirectory.defaultRoot();
        }
        if (value.startsWith("~")) {
            problems.add("MCPD_STATE_DIR='" + value + "' starts with ~, which is not expanded (hosts pass it "
                    + "literally): give an absolute path, e.g. " + System.getProperty("user.home") + value.substring(1));
            return null;
        }
        Path path;
        try {
            path = Path.of(value);
        } catch (InvalidPathException e) {
            problems.add("MCPD_STATE_DIR='" + value + "' is not a valid path: " + e.getReason());
            return null;
        }
        if (!path.isAbsolute()) {
            problems.add("MCPD_STATE_DIR='" + value + "' is relative, so each host's working directory would get its "
                    + "own daemon: give an absolute path");
            return null;
        }
        return path.normalize();
    }

    private static DaemonSettings.Admission admission(Map<String, String> env, Integer maxLine, List<String> problems) {
        DaemonSettings.Admission d = DaemonSettings.Admission.DEFAULTS;
        Duration hello = duration(env, "MCPD_DAEMON_HELLO_TIMEOUT", "3s", problems);
        if (hello != null && hello.isZero()) {
            problems.add("MCPD_DAEMON_HELLO_TIMEOUT must be longer than 0 (e.g. 3s)");
        }
        Integer connections = number(env, "MCPD_DAEMON_MAX_CONNECTIONS", Integer.toString(d.maxConnectionsPerTransport()),
                Integer::parseInt, problems);
        if (connections != null && connections < 1) {
            problems.add("MCPD_DAEMON_MAX_CONNECTIONS=" + connections + " must be at least 1");
        }
        Long budget = number(env, "MCPD_DAEMON_LINE_BUDGET", Long.toString(d.lineBudgetBytes()), Long::parseLong, problems);
        if (budget != null && maxLine != null && budget < maxLine) {
            problems.add("MCPD_DAEMON_LINE_BUDGET=" + budget + " must be at least MCPD_DAEMON_MAX_LINE (" + maxLine
                    + " bytes), or no line of the largest size could ever be read");
        }
        if (hello == null || hello.isZero() || connections == null || connections < 1 || budget == null
                || budget < 1) {
            return d; // the problems are reported; this value is never used
        }
        return new DaemonSettings.Admission(hello, connections, budget);
    }

    private static Duration duration(Map<String, String> env, String key, String fallback, List<String> problems) {
        try {
            return Durations.parse(env.getOrDefault(key, fallback));
        } catch (IllegalArgumentException e) {
            problems.add(key + ": " + e.getMessage());
            return null;
        }
    }

    private static <T> T number(Map<String, String> env, String key, String fallback, Function<String, T> parse,
            List<String> problems) {
        String text = env.getOrDefault(key, fallback);
        try {
            return parse.apply(text.trim());
        } catch (RuntimeException e) {
            problems.add(key + "='" + text + "' is not a number");
            return null;
        }
    }
}
