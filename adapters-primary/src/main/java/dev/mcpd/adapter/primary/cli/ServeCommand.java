package dev.mcpd.adapter.primary.cli;

import dev.mcpd.domain.model.ExitCode;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mcpd serve --mcp}: the stdio MCP server a host starts. */
@Command(name = "serve", description = "Serve MCP on stdin/stdout for a host (Claude Code, opencode, an IDE).")
final class ServeCommand extends BackendCommand {

    @Option(names = "--mcp", description = "Speak MCP over stdio (required: the only mode today).")
    boolean mcp;

    @Option(names = "--no-daemon", description = "Serve in-process, without the shared daemon (same as MCPD_NO_DAEMON=1).")
    boolean noDaemon;

    @Option(names = "--connect", paramLabel = "ENDPOINT",
            description = "Use the daemon at ENDPOINT (e.g. tcp://127.0.0.1:7000, a daemon in a container or on another "
                    + "host) instead of finding or starting this scope's own.")
    String connect;

    @Option(names = "--token-file", paramLabel = "FILE",
            description = "The TCP token: the daemon's daemon.json, or a file with the 64 hex digits alone "
                    + "(default: MCPD_TCP_TOKEN).")
    Path tokenFile;

    ServeCommand(CliBackend backend) {
        super(backend);
    }

    @Override
    public Integer call() {
        if (!mcp) {
            err().println("mcpd serve: add --mcp to serve MCP over stdio, e.g. `mcpd serve --mcp`");
            return ExitCode.USAGE.code();
        }
        if (connect == null && tokenFile != null) {
            err().println("mcpd serve: --token-file goes with --connect tcp://HOST:PORT");
            return ExitCode.USAGE.code();
        }
        return connect == null ? backend.serveMcp(noDaemon) : backend.serveMcp(noDaemon, connect, tokenFile);
    }
}
