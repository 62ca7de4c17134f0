package dev.mcpd.adapter.primary.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the commands people type need from the composition root. The CLI parses and prints; the backend acts.
 */
public interface CliBackend {

    /**
     * A doctor check: what was checked, whether it works, what was found, and how to fix it if not. A warning is
     * something optional that does not work here (an engine without its backend): mcpd runs, without it.
     */
    record DoctorCheck(String name, boolean ok, String detail, String fix, boolean warning) {

        public DoctorCheck(String name, boolean ok, String detail, String fix) {
            this(name, ok, detail, fix, false);
        }
    }

    /** The build version. */
    String version();

    /** Runs the stdio proxy until the host closes stdin; returns the exit code. */
    int serveMcp(boolean noDaemon);

    /**
     * Runs the stdio proxy against the daemon at {@code connect} (e.g. {@code tcp://127.0.0.1:7000}) instead of the
     * scope's own, never launching one (B-T3).
     *
     * @param connect the daemon's endpoint, {@code scheme://address}
     * @param tokenFile a file holding the token: the daemon's {@code daemon.json}, or the 64 hex digits alone; null
     *     to take {@code MCPD_TCP_TOKEN}
     * @return the exit code; 2 ({@code ExitCode.USAGE}) for an unusable endpoint or token file, said on stderr
     */
    int serveMcp(boolean noDaemon, String connect, Path tokenFile);

    /** Runs the daemon in the foreground until it stops; returns the exit code. */
    int daemonRun();

    /** Starts the daemon if none runs; returns its pid. */
    long daemonStart() throws IOException;

    /** Asks the running daemon to stop; returns its pid, or empty when none runs. Returns once the daemon accepted (B-C3). */
    Optional<Long> daemonStop() throws IOException;

    /** The running daemon's {@code daemon_status} structured content, or empty when none runs. */
    Optional<Map<String, Object>> daemonStatus() throws IOException;

    /** Calls a tool on the daemon, starting it if needed; returns the MCP {@code tools/call} result object. */
    Map<String, Object> callTool(String tool, Map<String, Object> arguments) throws IOException;

    /** Runs every doctor check. */
    List<DoctorCheck> doctor();
}
