package dev.mcpd.application.proxy;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mcpd.application.mcp.Json;
import dev.mcpd.application.mcp.McpServerSession;
import dev.mcpd.application.mcp.ToolCatalog;
import dev.mcpd.application.wire.LineReader;
import dev.mcpd.application.wire.TestJsonCodec;
import dev.mcpd.domain.fake.InMemoryLivenessProbe;
import dev.mcpd.domain.model.Availability;
import dev.mcpd.domain.model.ClientHello;
import dev.mcpd.domain.model.Tool;
import dev.mcpd.domain.model.ToolAnnotations;
import dev.mcpd.domain.model.ToolResult;
import dev.mcpd.domain.port.CallContext;
import dev.mcpd.domain.port.Engine;
import dev.mcpd.domain.testing.TestTime;
import dev.mcpd.domain.time.Ticker;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * B-W1: the proxy's stdout has one writer that no cancellation can tear. The host's stdout here is an interruptible
 * channel, as a pipe is: a call thread interrupted while writing to it would close it and tear the line. In-process
 * calls that stream large progress messages are cancelled while they write, beside calls with large results.
 */
class ProxyWritePathTest {

    private static final Duration ANSWER = TestTime.millis(10_000);
    private static final int CALLS = 20;
    private static final String BIG = "x".repeat(256 * 1024);

    private final TestJsonCodec codec = new TestJsonCodec();
    private final Pipe stdin = Pipe.open();
    private final Pipe stdout = Pipe.open();
    private final OutputStream toProxy = Channels.newOutputStream(stdin.sink());
    private final List<Map<String, Object>> received = new CopyOnWriteArrayList<>();
    private final List<String> torn = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Integer> exit = new CompletableFuture<>();
    private final InMemoryLivenessProbe probe = new InMemoryLivenessProbe();
    private final long parent = probe.start(Instant.parse("2026-01-01T00:00:00Z"));

    ProxyWritePathTest() throws IOException {}

    @AfterEach
    void stop() throws Exception {
        toProxy.close();
        exit.get(ANSWER.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Test
    @DisplayName("B-W1 B-M7 calls cancelled while their large progress lines are written never tear or interleave a line")
    void cancellationNeverTearsALine() throws Exception {
        startProxy();
        for (int id = 1; id <= CALLS; id++) {
            send(Json.object("jsonrpc", "2.0", "id", id, "method", "tools/call", "params", Json.object("name", "chatty",
                    "arguments", Json.object(), "_meta", Json.object("progressToken", id))));
            send(Json.object("jsonrpc", "2.0", "id", "big-" + id, "method", "tools/call",
                    "params", Json.object("name", "big", "arguments", Json.object())));
            send(Json.object("jsonrpc", "2.0", "method", "notifications/cancelled", "params", Json.object("requestId", id)));
        }
        send(Json.object("jsonrpc", "2.0", "id", "last", "method", "ping"));

        await().atMost(ANSWER).until(() -> responseTo("last") != null);
        await().atMost(ANSWER).until(() -> received.stream().filter(m -> m.containsKey("result")).count() == CALLS + 1);
        assertThat(torn).as("lines that are not one whole JSON-RPC message").isEmpty();
        for (int id = 1; id <= CALLS; id++) {
            Map<String, Object> result = Json.asObject(responseTo("big-" + id).get("result"));
            String text = Json.asString(Json.asObject(Json.asArray(result.get("content")).getFirst()).get("text"));
            assertThat(text).as("result of big-%d", id).isEqualTo(BIG);
            assertThat(responseTo(id)).as("a cancelled call is never answered (B-M7)").isNull();
        }
        assertThat(received).filteredOn(m -> "notifications/progress".equals(m.get("method")))
                .allSatisfy(m -> assertThat(Json.asString(Json.asObject(m.get("params")).get("message"))).isEqualTo(BIG));
    }

    private void startProxy() {
        Thread.ofVirtual().name("host-stdout").start(() -> {
            LineReader reader = new LineReader(Channels.newInputStream(stdout.source()), 64 * 1024 * 1024);
            try {
                byte[] line;
                while ((line = reader.readLine()) != null) {
                    Map<String, Object> message = parse(line);
                    if (message == null || !"2.0".equals(message.get("jsonrpc"))) {
                        torn.add(new String(line, 0, Math.min(line.length, 200), UTF_8));
                    } else {
                        received.add(message);
                    }
                }
            } catch (IOException e) {
                torn.add("stdout failed: " + e);
            }
        });
        StdioProxy proxy = new StdioProxy(() -> new DaemonFinder.Result.NotReachable("none"), new ChattyServer(), codec,
                new ProxySettings(1 << 20, Backoff.none(), Map.of(), () -> new ClientHello(1, 2L, Map.of(), null)),
                new PrintStream(OutputStream.nullOutputStream(), true, UTF_8),
                new HostWatchdog(probe, null, () -> parent, Duration.ofMinutes(1), Duration.ZERO), exit::complete,
                Ticker.system());
        Thread.ofVirtual().name("proxy").start(() -> exit.complete(
                proxy.run(Channels.newInputStream(stdin.source()), Channels.newOutputStream(stdout.sink()))));
    }

    private Map<String, Object> parse(byte[] line) {
        try {
            return Json.asObject(codec.parse(line, 0, line.length));
        } catch (RuntimeException e) {
            return null;
        }
    }

    private Map<String, Object> responseTo(Object id) {
        return received.stream().filter(m -> !m.containsKey("method") && id.equals(m.get("id"))).findFirst().orElse(null);
    }

    private synchronized void send(Map<String, Object> message) throws IOException {
        toProxy.write(codec.write(message));
        toProxy.write('\n');
        toProxy.flush();
    }

    /** Serves {@code chatty} (large progress lines until cancelled) and {@code big} (a large result). */
    private static final class ChattyServer implements InProcessServer, Engine {

        private final ToolCatalog catalog = new ToolCatalog(List.of(this));

        @Override
        public McpServerSession open(Consumer<Map<String, Object>> outbound, Map<String, String> environment) {
            return InProcessSessions.open(catalog, "1", outbound, environment);
        }

        @Override
        public ToolCatalog catalog() {
            return catalog;
        }

        @Override
        public String name() {
            return "chatty";
        }

        @Override
        public Availability availability() {
            return Availability.available();
        }

        @Override
        public List<Tool> tools() {
            Map<String, Object> noArguments = Json.object("type", "object");
            return List.of(
                    new Tool("chatty", null, "Reports large progress until cancelled.", noArguments, null,
                            ToolAnnotations.readOnly()),
                    new Tool("big", null, "Returns a large text.", noArguments, null, ToolAnnotations.readOnly()));
        }

        @Override
        public ToolResult call(String tool, Map<String, Object> arguments, CallContext context) {
            if (tool.equals("big")) {
                return ToolResult.text(BIG);
            }
            Instant until = Instant.now().plusSeconds(30);
            for (int step = 1; !context.isCancelled() && Instant.now().isBefore(until); step++) {
                context.progress(step, null, BIG);
            }
            return ToolResult.text("cancelled late");
        }

        @Override
        public void close() {
            // nothing to release
        }
    }
}
