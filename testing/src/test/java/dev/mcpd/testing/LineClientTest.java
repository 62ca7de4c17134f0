package dev.mcpd.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LineClientTest {

    /** {@code cat} echoes every line: a request comes back as a "message with an id and a method" (a request). */
    private static LineClient echo() throws IOException {
        return LineClient.ofProcess(new ProcessBuilder("cat").start());
    }

    @Test
    void aResponseCompletesTheWaitForItsIdAndTheNumberAndTheStringIdAreTwoIds() throws Exception {
        try (LineClient client = echo()) {
            client.send("{\"jsonrpc\":\"2.0\",\"id\":\"7\",\"result\":\"string\"}");
            client.send("{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":\"number\"}");

            assertThat(client.awaitResponse(7, Duration.ofSeconds(5))).containsEntry("result", "number");
            assertThat(client.awaitResponse(7L, Duration.ofSeconds(5))).containsEntry("result", "number");
            assertThat(client.awaitResponse("7", Duration.ofSeconds(5))).containsEntry("result", "string");
        }
    }

    @Test
    void requestsAndNotificationsFromTheOtherSideAreKeptApartFromResponses() throws Exception {
        try (LineClient client = echo()) {
            long id = client.request("ping", null);
            client.notify("notifications/initialized", Map.of());

            assertThat(client.awaitLine(l -> l.contains("initialized"), Duration.ofSeconds(5))).contains("\"method\"");
            assertThat(client.drainNotifications()).extracting(m -> m.get("method"))
                    .containsExactly("ping", "notifications/initialized");
            assertThat(client.answeredWithin(id, Duration.ofMillis(50))).isFalse();
        }
    }

    @Test
    void linesThatAreNotJsonObjectsCanStillBeAwaited() throws Exception {
        try (LineClient client = echo()) {
            client.send("12345");
            client.send("not json");

            assertThat(client.awaitLine(l -> l.startsWith("not"), Duration.ofSeconds(5))).isEqualTo("not json");
            assertThat(client.messages()).isEmpty();
        }
    }

    @Test
    void theEndOfTheStreamFailsEveryWaitAndIsSeen() throws Exception {
        try (LineClient client = echo()) {
            client.close();

            assertThat(client.awaitEnd(Duration.ofSeconds(5))).isTrue();
            assertThat(client.ended()).isTrue();
            assertThatThrownBy(() -> client.awaitResponse(1, Duration.ofSeconds(5))).isInstanceOf(AssertionError.class)
                    .hasMessageContaining("ended");
            assertThatThrownBy(() -> client.awaitLine(l -> true, Duration.ofSeconds(5))).isInstanceOf(AssertionError.class)
                    .hasMessageContaining("ended");
        }
    }

    @Test
    void aWaitWithNoAnswerFailsSayingWhatDidNotArrive() throws Exception {
        try (LineClient client = echo()) {
            assertThatThrownBy(() -> client.awaitResponse(3, Duration.ofMillis(50))).isInstanceOf(AssertionError.class)
                    .hasMessageContaining("no response to request 3");
        }
    }
}
