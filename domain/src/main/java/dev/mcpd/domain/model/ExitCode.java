package dev.mcpd.domain.model;

/**
 * Every exit status an {@code mcpd} process ends with, one meaning per number, for the daemon ({@code mcpd daemon
 * run}), the proxy ({@code mcpd serve --mcp}) and the commands people type. README's "Exit codes" table lists each
 * constant with its number (a test keeps the two equal). 0 to 4 and 137 are the numbers ADR 0006 and ADR 0010
 * document; the signal statuses are the shell's ({@code 128 + signal number}).
 */
public enum ExitCode {
    /** Done: an orderly stop, a command that did what it was asked (also "already stopped"). */
    OK(0, "done: an orderly stop, or a command that did what it was asked (also \"already stopped\")"),
    /** The operation failed; the message on stderr says why (a runtime that refused, a required doctor check). */
    FAILURE(1, "the operation failed; stderr says why (the runtime refused, a required doctor check failed)"),
    /** The command line or the configuration is wrong; nothing was done (B-X2). */
    USAGE(2, "usage or configuration error; nothing was done"),
    /** {@code mcpd daemon run}: another daemon holds the scope's lock (B-S1); nothing was touched. */
    ALREADY_RUNNING(3, "`daemon run`: another daemon already owns the scope (B-S1)"),
    /** {@code mcpd daemon run}: the shutdown overran its grace period or a second signal forced it (B-E2). */
    SHUTDOWN_FORCED(4, "`daemon run`: shutdown forced (grace period overrun, or a second signal; B-E2)"),
    /** {@code mcpd daemon stop|status}: no daemon runs in this scope, so there was nothing to act on. */
    NO_DAEMON_RUNNING(5, "`daemon stop`, `daemon status`: no daemon runs, nothing to act on"),
    /** {@code mcpd containers …}: no daemon could be reached or started. */
    NO_DAEMON_REACHED(6, "`containers`: no daemon could be reached or started"),
    /** The proxy, on SIGHUP (its terminal went away). */
    HANGUP(129, "the proxy ended by SIGHUP"),
    /** The proxy, on SIGINT (how Claude Code ends its servers). */
    INTERRUPTED(130, "the proxy ended by SIGINT"),
    /**
     * Killed by SIGKILL, never chosen by mcpd's code: this includes the daemon's own kill when it runs out of memory
     * (ADR 0010).
     */
    KILLED(137, "killed by SIGKILL, including the daemon's own kill when it runs out of memory (ADR 0010)"),
    /** The proxy, on SIGTERM (how most hosts end their servers). */
    TERMINATED(143, "the proxy ended by SIGTERM");

    private final int code;
    private final String meaning;

    ExitCode(int code, String meaning) {
        this.code = code;
        this.meaning = meaning;
    }

    /** The process exit status, 0 to 255. */
    public int code() {
        return code;
    }

    /** What the status means, in one line (as README's table says it). */
    public String meaning() {
        return meaning;
    }
}
