package dev.mcpd.adapter.primary.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mcpd serve --mcp}: the stdio MCP server a host starts. */
@Command(name = "serve", description = "Serve MCP on stdin/stdout for a host (Claude Code, opencode, an IDE).")
final class ServeCommand implements Callable<Integer> {

    private final CliBackend backend;

    @Spec
    CommandSpec spec;

    @Option(names = "--mcp", description = "Speak MCP over stdio (required: the only mode today).")
    boolean mcp;

    @Option(names = "--no-daemon", description = "Serve in-process, without the shared daemon (same as MCPD_NO_DAEMON=1).")
    boolean noDaemon;

    ServeCommand(CliBackend backend) {
        this.backend = backend;
    }

    @Override
    public Integer call() {
        if (!mcp) {
            spec.commandLine().getErr().println("mcpd serve: add --mcp to serve MCP over stdio, e.g. `mcpd serve --mcp`");
            return 2;
        }
        return backend.serveMcp(noDaemon);
    }
}
