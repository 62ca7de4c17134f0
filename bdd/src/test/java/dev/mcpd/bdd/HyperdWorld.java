package dev.mcpd.bdd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpd.adapter.secondary.hyperd.HyperdBinaryLocator;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The driver of {@code hyperd_queries.feature}: real {@code bin/mcpd serve --mcp} sessions (MCP over stdio) sharing a
 * real daemon in a private state dir, with the real hyperd of {@code scripts/setup-hyperd.sh}.
 */
public final class HyperdWorld {

    private static final Path ROOT = Path.of(System.getProperty("mcpd.root", "..")).toAbsolutePath().normalize();
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One MCP session over a proxy's stdio. */
    public final class Session implements AutoCloseable {
        private final Process process;
        private final OutputStream in;
        private final Map<Long, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
        private long nextId;

        Session() throws Exception {
            ProcessBuilder builder = new ProcessBuilder(ROOT.resolve("bin/mcpd").toString(), "serve", "--mcp");
            builder.environment().clear();
            builder.environment().putAll(env);
            process = builder.redirectError(ProcessBuilder.Redirect.DISCARD).start();
            in = process.getOutputStream();
            Thread.ofVirtual().start(() -> {
                try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = out.readLine()) != null; ) {
                        JsonNode message = JSON.readTree(line);
                        if (message.has("id")) {
                            pending.computeIfAbsent(message.get("id").asLong(), id -> new CompletableFuture<>()).complete(message);
                        }
                    }
                } catch (IOException e) {
                    pending.values().forEach(f -> f.completeExceptionally(e));
                }
            });
            request("initialize", Map.of("protocolVersion", "2025-06-18", "capabilities", Map.of(),
                    "clientInfo", Map.of("name", "mcpd-bdd", "version", "1"))).get(60, TimeUnit.SECONDS);
            send(null, "notifications/initialized", Map.of());
        }

        /** Sends a request; the future completes with the whole response. */
        public synchronized CompletableFuture<JsonNode> request(String method, Map<String, Object> params) throws IOException {
            long id = ++nextId;
            CompletableFuture<JsonNode> response = pending.computeIfAbsent(id, key -> new CompletableFuture<>());
            send(id, method, params);
            return response;
        }

        /** A {@code tools/call}; the future completes with its {@code result}. */
        public CompletableFuture<JsonNode> call(String tool, Map<String, Object> arguments) throws IOException {
            return request("tools/call", Map.of("name", tool, "arguments", arguments)).thenApply(r -> r.path("result"));
        }

        private synchronized void send(Long id, String method, Map<String, Object> params) throws IOException {
            Map<String, Object> message = new LinkedHashMap<>();
            message.put("jsonrpc", "2.0");
            if (id != null) {
                message.put("id", id);
            }
            message.put("method", method);
            message.put("params", params);
            in.write((JSON.writeValueAsString(message) + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
        }

        @Override
        public void close() throws Exception {
            in.close();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    private final Map<String, String> env = new LinkedHashMap<>();
    private final List<Session> sessions = new ArrayList<>();
    private Path stateDir;

    /** Starts nothing yet: the first session cold-starts the daemon. Returns why not, if no hyperd is here. */
    public Optional<String> start() throws IOException {
        HyperdBinaryLocator.Located located = HyperdBinaryLocator.system();
        if (located.binary().isEmpty()) {
            return Optional.of(located.whyMissing());
        }
        stateDir = Files.createTempDirectory(Path.of("/tmp"), "mcpd-bdd-h-");
        for (String key : List.of("HOME", "LOGNAME", "PATH", "SHELL", "TERM", "USER")) {
            if (System.getenv(key) != null) {
                env.put(key, System.getenv(key));
            }
        }
        env.put("MCPD_STATE_DIR", stateDir.toString());
        env.put("MCPD_ENGINES", "hyperd");
        env.put("MCPD_HYPERD_PATH", located.binary().orElseThrow().toString());
        env.put("MCPD_DAEMON_IDLE_TIMEOUT", "60s");
        return Optional.empty();
    }

    public Path file(String name) {
        return stateDir.resolve(name);
    }

    public Session session() throws Exception {
        Session session = new Session();
        sessions.add(session);
        return session;
    }

    /** The daemon's pid from its discovery record. */
    public long daemonPid() throws IOException {
        return JSON.readTree(stateDir.resolve("daemon.json").toFile()).path("pid").asLong();
    }

    /** Runs {@code bin/mcpd daemon stop} and waits for the daemon to exit. */
    public void stopDaemon() throws Exception {
        long pid = daemonPid();
        ProcessBuilder builder = new ProcessBuilder(ROOT.resolve("bin/mcpd").toString(), "daemon", "stop");
        builder.environment().clear();
        builder.environment().putAll(env);
        Process stop = builder.redirectErrorStream(true).start();
        stop.getInputStream().readAllBytes();
        stop.waitFor(30, TimeUnit.SECONDS);
        ProcessHandle.of(pid).ifPresent(handle -> handle.onExit().orTimeout(30, TimeUnit.SECONDS).join());
    }

    public void cleanUp() throws Exception {
        for (Session session : sessions) {
            session.close();
        }
        if (stateDir == null) {
            return;
        }
        if (Files.exists(stateDir.resolve("daemon.json"))) {
            ProcessHandle.of(daemonPid()).ifPresent(handle -> {
                handle.destroy();
                handle.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(e -> {
                    handle.destroyForcibly();
                    return handle;
                }).join();
            });
        }
        try (var files = Files.walk(stateDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    static Duration since(long nanos) {
        return Duration.ofNanos(System.nanoTime() - nanos);
    }
}
