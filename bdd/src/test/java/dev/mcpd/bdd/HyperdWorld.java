package dev.mcpd.bdd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpd.adapter.secondary.hyperd.HyperdBinaryLocator;
import dev.mcpd.testing.McpdProcess;
import dev.mcpd.testing.McpdScope;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The driver of {@code hyperd_queries.feature}: real {@code bin/mcpd serve --mcp} sessions (MCP over stdio) sharing a
 * real daemon in a private {@link McpdScope}, with the real hyperd of {@code scripts/setup-hyperd.sh}.
 */
public final class HyperdWorld {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One MCP session over a proxy's stdio. */
    public static final class Session {
        private final McpdProcess proxy;

        Session(McpdProcess proxy) throws Exception {
            this.proxy = proxy;
            proxy.lines().initialize("mcpd-bdd", Duration.ofSeconds(60));
        }

        /** A {@code tools/call}; the future completes with its {@code result}. */
        public CompletableFuture<JsonNode> call(String tool, Map<String, Object> arguments) throws IOException {
            long id = proxy.lines().request("tools/call", Map.of("name", tool, "arguments", arguments));
            return proxy.lines().responseTo(id).thenApply(r -> JSON.valueToTree(r).path("result"));
        }
    }

    private McpdScope scope;

    /** Starts nothing yet: the first session cold-starts the daemon. Returns why not, if no hyperd is here. */
    public Optional<String> start() throws IOException {
        HyperdBinaryLocator.Located located = HyperdBinaryLocator.system();
        if (located.binary().isEmpty()) {
            return Optional.of(located.whyMissing());
        }
        scope = McpdScope.create("mcpd-bdd-h-").env("MCPD_ENGINES", "hyperd")
                .env("MCPD_HYPERD_PATH", located.binary().orElseThrow().toString()).env("MCPD_DAEMON_IDLE_TIMEOUT", "60s");
        return Optional.empty();
    }

    public Path file(String name) {
        return scope.file(name);
    }

    public Session session() throws Exception {
        return new Session(scope.serve());
    }

    /** The daemon's pid from its discovery record. */
    public long daemonPid() {
        return scope.recordedDaemonPid().orElseThrow(() -> new IllegalStateException("no daemon.json"));
    }

    /** Runs {@code bin/mcpd daemon stop} and waits for the daemon to exit. */
    public void stopDaemon() throws Exception {
        long pid = daemonPid();
        scope.run(Duration.ofSeconds(30), "daemon", "stop");
        ProcessHandle.of(pid).ifPresent(handle -> handle.onExit().orTimeout(30, TimeUnit.SECONDS).join());
    }

    public void cleanUp() throws Exception {
        if (scope != null) {
            scope.close();
        }
    }

    static Duration since(long nanos) {
        return Duration.ofNanos(System.nanoTime() - nanos);
    }
}
