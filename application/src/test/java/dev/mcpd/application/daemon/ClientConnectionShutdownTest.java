package dev.mcpd.application.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.mcpd.application.jsonrpc.JsonRpc;
import dev.mcpd.application.mcp.Json;
import dev.mcpd.application.mcp.ServerInfo;
import dev.mcpd.application.mcp.ToolCatalog;
import dev.mcpd.application.wire.LinePeer;
import dev.mcpd.application.wire.PipedConnection;
import dev.mcpd.application.wire.TestJsonCodec;
import dev.mcpd.domain.fake.InMemoryEngine;
import dev.mcpd.domain.fake.InMemoryLivenessProbe;
import dev.mcpd.domain.model.PeerCredentials;
import dev.mcpd.domain.model.Pid;
import dev.mcpd.domain.testing.ManualClock;
import dev.mcpd.domain.time.Ticker;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The handler's part of shutdown (B-E1, B-E2; review finding 2): answering and cancelling every call never waits on
 * a client, even one that stopped reading while an answer larger than every buffer was on its way.
 */
class ClientConnectionShutdownTest {

    private static final Duration ANSWER = LinePeer.ANSWER;

    private final ManualClock clock = new ManualClock();
    private final DaemonClientRegistry registry = new DaemonClientRegistry();
    private final InMemoryEngine memory = new InMemoryEngine();
    private final java.util.concurrent.CountDownLatch echoed = new java.util.concurrent.CountDownLatch(1);
    /** The in-memory engine, telling the test when an echo has returned its result. */
    private final dev.mcpd.domain.port.Engine engine = new dev.mcpd.domain.port.Engine() {
        @Override
        public String name() {
            return memory.name();
        }

        @Override
        public dev.mcpd.domain.model.Availability availability() {
            return memory.availability();
        }

        @Override
        public List<dev.mcpd.domain.model.Tool> tools() {
            return memory.tools();
        }

        @Override
        public dev.mcpd.domain.model.ToolResult call(String tool, Map<String, Object> arguments,
                dev.mcpd.domain.port.CallContext context) throws InterruptedException {
            try {
                return memory.call(tool, arguments, context);
            } finally {
                if ("echo".equals(tool)) {
                    echoed.countDown();
                }
            }
        }

        @Override
        public void close() {
            memory.close();
        }
    };
    private final ClientConnectionHandler handler = new ClientConnectionHandler(
            new DaemonIdentity("1.2.3", new Pid(777, Instant.parse("2026-01-01T00:00:00Z")), 1000, "user:1000"),
            new DaemonSettings(Duration.ofMinutes(5), Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofMinutes(1),
                    16 * 1024 * 1024, 100),
            new ConnectionServices(new ServerInfo("mcpd", "1.2.3", null), new ToolCatalog(List.of(engine)), registry,
                    new InMemoryLivenessProbe(), new TestJsonCodec(), new ActivityTracker(registry, clock), clock,
                    Ticker.system()));
    private PipedConnection connection;

    @AfterEach
    void closeEverything() {
        if (connection != null) {
            connection.close();
        }
        memory.close();
    }

    @Test
    @DisplayName("B-E2 review finding 2: a client that stops reading mid-answer cannot hold up answerAndCancelAll; it is disconnected")
    void aClientThatStopsReadingCannotHoldUpShutdown() throws Exception {
        connection = new PipedConnection(PeerCredentials.unknown());
        Thread serving = Thread.ofVirtual().start(() -> {
            try {
                handler.handle(connection);
            } finally {
                connection.close();
            }
        });
        // The far side writes but never reads: the 64 KiB pipe fills with the hello and the echo's answer.
        OutputStream toDaemon = connection.farSideOutput();
        send(toDaemon, call(1, "sleep", Json.object("millis", 60_000)));
        await().atMost(ANSWER).until(() -> registry.inFlightCalls() == 1);
        send(toDaemon, call(2, "echo", Json.object("text", "e".repeat(2 * 1024 * 1024)))); // a 2 MiB answer
        for (int id = 3; id < 50; id++) {
            send(toDaemon, Json.object("jsonrpc", "2.0", "id", id, "method", "tools/list"));
        }
        assertThat(echoed.await(ANSWER.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)).isTrue();
        await().atMost(ANSWER).until(() -> registry.inFlightCalls() == 1); // the echo's answer is on its way, stuck

        assertTimeoutPreemptively(ANSWER, handler::answerAndCancelAll, "answerAndCancelAll waited on the client");
        assertThat(handler.awaitFlushed(Duration.ofMillis(50))).as("the stuck client's queue is dropped").isTrue();

        serving.join(ANSWER);
        assertThat(serving.isAlive()).as("the connection was closed and its handler ended").isFalse();
        assertThat(registry.size()).isZero();
        assertThat(registry.inFlightCalls()).isZero();
    }

    @Test
    @DisplayName("B-E1 a client that reads gets its -32002 answers before awaitFlushed returns")
    void aReadingClientGetsItsShutdownAnswers() throws Exception {
        connection = new PipedConnection(PeerCredentials.unknown());
        Thread.ofVirtual().start(() -> {
            try {
                handler.handle(connection);
            } finally {
                connection.close();
            }
        });
        LinePeer client = connection.farSide();
        client.awaitLine(1);
        client.send(call(1, "sleep", Json.object("millis", 60_000)));
        await().atMost(ANSWER).until(() -> registry.inFlightCalls() == 1);

        handler.answerAndCancelAll();

        assertThat(handler.awaitFlushed(ANSWER)).isTrue();
        Map<String, Object> response = client.awaitResponse(1);
        assertThat(Json.asObject(response.get("error"))).containsEntry("code", JsonRpc.SHUTTING_DOWN);
        client.close();
    }

    private static Map<String, Object> call(Object id, String tool, Map<String, Object> arguments) {
        return Json.object("jsonrpc", "2.0", "id", id, "method", "tools/call",
                "params", Json.object("name", tool, "arguments", arguments));
    }

    private static void send(OutputStream out, Map<String, Object> message) throws IOException {
        out.write(new TestJsonCodec().write(message));
        out.write('\n');
        out.flush();
    }
}
