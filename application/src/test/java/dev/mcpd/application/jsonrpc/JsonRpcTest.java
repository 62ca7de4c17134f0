package dev.mcpd.application.jsonrpc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** {@link JsonRpc}'s builders: member order and the id of an error about an unreadable request. */
class JsonRpcTest {

    @Test
    @DisplayName("B-M4 an error whose request id could not be read has no id member (MCP 2025-11-25: optional, never null)")
    void errorWithoutReadableIdOmitsIt() {
        Map<String, Object> error = JsonRpc.error(null, JsonRpc.PARSE_ERROR, "Parse error: x");

        assertThat(error).doesNotContainKey("id");
        assertThat(error.keySet()).containsExactly("jsonrpc", "error");
        assertThat(error.get("error")).isEqualTo(Map.of("code", -32700, "message", "Parse error: x"));
    }

    @Test
    @DisplayName("an error about a request echoes its id; members are jsonrpc, id, error in that order")
    void errorEchoesTheId() {
        Map<String, Object> error = JsonRpc.error("a", JsonRpc.METHOD_NOT_FOUND, "Method not found: x");

        assertThat(error.keySet()).containsExactly("jsonrpc", "id", "error");
        assertThat(error).containsEntry("id", "a");
    }

    @Test
    @DisplayName("a result and a notification have their members in order; a null params is omitted")
    void resultAndNotification() {
        assertThat(JsonRpc.result(3, Map.of()).keySet()).containsExactly("jsonrpc", "id", "result");
        assertThat(JsonRpc.notification("notifications/initialized", null).keySet()).containsExactly("jsonrpc", "method");
        assertThat(JsonRpc.notification("notifications/progress", Map.of("progress", 1)).keySet())
                .containsExactly("jsonrpc", "method", "params");
    }
}
