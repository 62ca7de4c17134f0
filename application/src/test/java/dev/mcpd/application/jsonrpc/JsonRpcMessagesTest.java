package dev.mcpd.application.jsonrpc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** {@link JsonRpcMessages#classify}: every well-formed and malformed shape (JSON-RPC 2.0 §4, §5). */
class JsonRpcMessagesTest {

    @Test
    @DisplayName("a request has jsonrpc 2.0, a string method and a string or integer id")
    void request() {
        Map<String, Object> raw = message("jsonrpc", "2.0", "id", 7, "method", "tools/list", "params", Map.of("cursor", "x"));

        JsonRpcMessage.Request request = (JsonRpcMessage.Request) JsonRpcMessages.classify(raw);

        assertThat(request.id()).isEqualTo(RequestId.of(7).orElseThrow());
        assertThat(request.method()).isEqualTo("tools/list");
        assertThat(request.params()).isEqualTo(Map.of("cursor", "x"));
        assertThat(request.raw()).isSameAs(raw);
        assertThat(JsonRpcMessages.classify(message("jsonrpc", "2.0", "id", "a", "method", "ping")))
                .isInstanceOf(JsonRpcMessage.Request.class);
    }

    @Test
    @DisplayName("a notification has no id member")
    void notification() {
        JsonRpcMessage.Notification notification = (JsonRpcMessage.Notification) JsonRpcMessages.classify(
                message("jsonrpc", "2.0", "method", "notifications/cancelled", "params", Map.of("requestId", 3)));

        assertThat(notification.method()).isEqualTo("notifications/cancelled");
        assertThat(notification.params()).isEqualTo(Map.of("requestId", 3));
    }

    @Test
    @DisplayName("a response has an id member, no method, and a result or an error; its id may be unreadable")
    void responses() {
        JsonRpcMessage.Response result = (JsonRpcMessage.Response) JsonRpcMessages.classify(
                message("jsonrpc", "2.0", "id", "r1", "result", Map.of()));
        JsonRpcMessage.Response error = (JsonRpcMessage.Response) JsonRpcMessages.classify(
                message("jsonrpc", "2.0", "id", 2, "error", Map.of("code", -1, "message", "x")));
        JsonRpcMessage.Response nullId = (JsonRpcMessage.Response) JsonRpcMessages.classify(
                message("jsonrpc", "2.0", "id", null, "error", Map.of("code", -32700, "message", "x")));

        assertThat(result.requestId()).contains(new RequestId.Text("r1"));
        assertThat(result.isError()).isFalse();
        assertThat(error.requestId()).contains(RequestId.of(2).orElseThrow());
        assertThat(error.isError()).isTrue();
        assertThat(nullId.requestId()).isEmpty();
    }

    @Test
    @DisplayName("a batch and a non-object are invalid, answered without an id")
    void batchAndNonObjects() {
        assertInvalid(List.of(message("jsonrpc", "2.0", "id", 1, "method", "ping")), null, true, "batches");
        for (Object notAnObject : new Object[] {"ping", 42, null, true}) {
            assertInvalid(notAnObject, null, true, "must be a JSON object");
        }
    }

    @Test
    @DisplayName("a missing or null method is invalid, answered with the id when it is readable")
    void missingMethod() {
        assertInvalid(message("jsonrpc", "2.0", "id", 4), RequestId.of(4).orElseThrow(), true, "missing \"method\"");
        assertInvalid(message("jsonrpc", "2.0", "id", 4, "method", null), RequestId.of(4).orElseThrow(), true,
                "missing \"method\"");
        assertInvalid(message("jsonrpc", "2.0", "id", 1.5), null, true, "missing \"method\"");
        assertInvalid(message("jsonrpc", "2.0", "result", Map.of()), null, true, "missing \"method\"");
    }

    @Test
    @DisplayName("an id that is not a string or an integer is invalid, answered without an id")
    void invalidIds() {
        for (Object badId : new Object[] {null, 1.5, true, Map.of(), List.of()}) {
            assertInvalid(message("jsonrpc", "2.0", "id", badId, "method", "ping"), null, true, "\"id\" must be");
        }
    }

    @Test
    @DisplayName("a wrong jsonrpc or a non-string method is invalid; answered with the id, silent without one")
    void wrongEnvelope() {
        RequestId one = RequestId.of(1).orElseThrow();
        assertInvalid(message("id", 1, "method", "ping"), one, true, "\"jsonrpc\" must be \"2.0\"");
        assertInvalid(message("jsonrpc", "1.0", "id", 1, "method", "ping"), one, true, "\"jsonrpc\" must be \"2.0\"");
        assertInvalid(message("jsonrpc", "2.0", "id", 1, "method", 17), one, true, "\"method\" a string");
        assertInvalid(message("method", "notifications/initialized"), null, false, "\"jsonrpc\" must be \"2.0\"");
    }

    private static void assertInvalid(Object parsed, RequestId id, boolean answer, String reason) {
        JsonRpcMessage message = JsonRpcMessages.classify(parsed);
        assertThat(message).as("%s", parsed).isInstanceOf(JsonRpcMessage.Invalid.class);
        JsonRpcMessage.Invalid invalid = (JsonRpcMessage.Invalid) message;
        assertThat(invalid.id()).as("id of %s", parsed).isEqualTo(id);
        assertThat(invalid.answer()).as("answered: %s", parsed).isEqualTo(answer);
        assertThat(invalid.reason()).startsWith("Invalid Request: ").contains(reason);
    }

    /** An insertion-ordered map that keeps null values, as a JSON codec yields {@code "id": null}. */
    private static Map<String, Object> message(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }
}
