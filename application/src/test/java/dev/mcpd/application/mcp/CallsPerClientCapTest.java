package dev.mcpd.application.mcp;

import static dev.mcpd.application.mcp.McpServerSessionTest.call;
import static dev.mcpd.application.mcp.McpServerSessionTest.error;
import static dev.mcpd.application.mcp.McpServerSessionTest.errorCode;
import static dev.mcpd.application.mcp.McpServerSessionTest.notification;
import static dev.mcpd.application.mcp.McpServerSessionTest.result;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.mcpd.application.wire.TestJsonCodec;
import dev.mcpd.domain.fake.InMemoryEngine;
import dev.mcpd.domain.model.ClientId;
import dev.mcpd.domain.testing.ManualClock;
import dev.mcpd.domain.testing.TestTime;
import dev.mcpd.domain.time.Ticker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The per-client cap on tool calls in flight (B-M8, B-B3; review finding 12). */
class CallsPerClientCapTest {

    private static final Duration ANSWER = TestTime.millis(5_000);
    private static final int CAP = 3;

    private final InMemoryEngine memory = new InMemoryEngine();
    private final McpServerSessionTest.Outbox outbox = new McpServerSessionTest.Outbox();
    private final McpServerSessionTest.CountingObserver observer = new McpServerSessionTest.CountingObserver();
    private final McpServerSession session = new McpServerSession(new ToolCatalog(List.of(memory)),
            new SessionSettings(new ServerInfo("mcpd", "9.9.9", null), Duration.ofMinutes(1), 100, CAP), outbox, observer,
            new ClientId(1), Map.of(), new ManualClock(), Ticker.system(), new TestJsonCodec());

    @AfterEach
    void closeEverything() {
        session.close(false);
        memory.close();
    }

    @Test
    @DisplayName("review finding 12: a call beyond the per-client cap is refused at once with -32003, saying which limit and how to raise it")
    void aCallBeyondTheCapIsRefusedAtOnce() {
        for (int id = 1; id <= CAP; id++) {
            session.onMessage(call(id, "sleep", Map.of("millis", 60_000)));
        }
        await().atMost(ANSWER).until(() -> observer.inFlight() == CAP);

        session.onMessage(call(99, "echo", Map.of("text", "one too many")));

        Map<String, Object> refused = outbox.single(99); // answered synchronously, never queued
        assertThat(errorCode(refused)).isEqualTo(McpServerSession.TOO_MANY_CALLS);
        assertThat((String) error(refused).get("message")).contains("Too many calls in flight").contains(CAP + " tools/call")
                .contains("MCPD_DAEMON_MAX_CALLS_PER_CLIENT");
        assertThat(observer.inFlight()).as("the refused call never started").isEqualTo(CAP);
        session.onMessage(McpServerSessionTest.request(100, "ping", Map.of()));
        assertThat(outbox.single(100)).containsKey("result");
    }

    @Test
    @DisplayName("review finding 12: once a call ends (here, cancelled) the client may start another")
    void aFinishedCallMakesRoomForTheNext() {
        for (int id = 1; id <= CAP; id++) {
            session.onMessage(call(id, "sleep", Map.of("millis", 60_000)));
        }
        await().atMost(ANSWER).until(() -> observer.inFlight() == CAP);

        session.onMessage(notification("notifications/cancelled", Map.of("requestId", 1)));
        // a cancelled call counts until its thread has ended: room appears once it has
        await().atMost(ANSWER).untilAsserted(() -> {
            session.onMessage(call("next-" + System.nanoTime(), "echo", Map.of("text", "probe")));
            assertThat(outbox.all().stream().filter(m -> m.containsKey("result")).count()).isPositive();
        });
        List<Map<String, Object>> answered = outbox.all().stream().filter(m -> m.containsKey("result")).toList();
        assertThat(McpServerSessionTest.text(result(answered.getFirst()))).isEqualTo("probe");
    }

    @Test
    @DisplayName("a cap below 1 is refused")
    void capBelowOneIsRefused() {
        assertThatThrownBy(() -> new McpServerSession(new ToolCatalog(List.of(memory)),
                new SessionSettings(new ServerInfo("mcpd", "9", null), Duration.ofMinutes(1), 100, 0), outbox, observer,
                new ClientId(1), Map.of(), new ManualClock(), Ticker.system(), new TestJsonCodec()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxCallsInFlight");
    }
}
