package dev.mcpd.bootstrap.it;

import dev.mcpd.testing.McpdScope;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real MCP clients from the npm registry ({@code scripts/setup-node-clients.sh} installs them in
 * {@code e2e/node}), run the way a host runs an MCP server: with only the environment given, stdin closed.
 */
final class NodeClients {

    static final Path DIR = McpdScope.repositoryRoot().resolve("e2e/node");

    /** What a client printed, and how it exited. */
    record Run(int exitCode, String stdout, String stderr) {}

    private NodeClients() {}

    /**
     * The MCP Inspector's CLI mode against {@code bin/mcpd serve --mcp [serveArgs]}; the inspector starts the server
     * with the default environment only, so {@code serverEnv} goes through its {@code -e} flags.
     */
    static List<String> inspector(Map<String, String> serverEnv, List<String> args, String... serveArgs) {
        List<String> command = new ArrayList<>(List.of(DIR.resolve("node_modules/.bin/mcp-inspector").toString(), "--cli"));
        serverEnv.forEach((key, value) -> command.addAll(List.of("-e", key + "=" + value)));
        command.addAll(args);
        command.addAll(List.of("--", McpdScope.repositoryRoot().resolve("bin/mcpd").toString(), "serve", "--mcp"));
        command.addAll(List.of(serveArgs));
        return command;
    }

    /** Runs {@code command} in {@link #DIR} with exactly {@code env}; fails the test after 120 s. */
    static Run run(List<String> command, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(DIR.toFile());
        builder.environment().clear();
        builder.environment().putAll(env);
        Path err = Files.createTempFile("mcpd-e2e", ".err");
        try {
            Process process = builder.redirectError(err.toFile()).start();
            process.getOutputStream().close();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("client did not finish within 120 s: " + command);
            }
            return new Run(process.exitValue(), out, Files.readString(err));
        } finally {
            Files.deleteIfExists(err);
        }
    }
}
