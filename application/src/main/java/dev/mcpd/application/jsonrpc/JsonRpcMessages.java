package dev.mcpd.application.jsonrpc;

import java.util.List;
import java.util.Map;

/** Classifies parsed JSON-RPC lines (JSON-RPC 2.0 §4, §5; MCP 2025-06-18 removed batches). */
public final class JsonRpcMessages {

    private JsonRpcMessages() {}

    /**
     * The one classification of a parsed line, shared by every reader of JSON-RPC in mcpd. In order:
     * <ol>
     *   <li>an array is {@link JsonRpcMessage.Invalid} (batches are not supported), without an id;
     *   <li>anything but an object is Invalid, without an id;
     *   <li>no {@code method} (absent or {@code null}): with an {@code id} member and a {@code result} or
     *       {@code error} a {@link JsonRpcMessage.Response}, else Invalid with the id if it is readable;
     *   <li>an {@code id} member that is not a string or an integer: Invalid, without an id;
     *   <li>{@code jsonrpc} not {@code "2.0"} or {@code method} not a string: Invalid with the id, answered only when
     *       the message has an {@code id} member;
     *   <li>no {@code id} member: a {@link JsonRpcMessage.Notification}; otherwise a {@link JsonRpcMessage.Request}.
     * </ol>
     *
     * @param parsed a JSON-shaped Java value as a {@code JsonCodec} yields it (Map, List, String, Number, Boolean,
     *     null)
     * @return never {@code null}
     */
    public static JsonRpcMessage classify(Object parsed) {
        if (parsed instanceof List<?>) {
            return new JsonRpcMessage.Invalid("Invalid Request: JSON-RPC batches are not supported (MCP removed them in"
                    + " 2025-06-18); send one message per line", null, true, null);
        }
        if (!(parsed instanceof Map<?, ?>)) {
            return new JsonRpcMessage.Invalid("Invalid Request: a JSON-RPC message must be a JSON object", null, true,
                    null);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> msg = (Map<String, Object>) parsed;
        boolean hasId = msg.containsKey("id");
        RequestId id = RequestId.of(msg.get("id")).orElse(null);
        Object method = msg.get("method");
        if (method == null) {
            if (hasId && (msg.containsKey("result") || msg.containsKey("error"))) {
                return new JsonRpcMessage.Response(id, msg);
            }
            return new JsonRpcMessage.Invalid("Invalid Request: missing \"method\"", id, true, msg);
        }
        if (hasId && id == null) {
            return new JsonRpcMessage.Invalid("Invalid Request: \"id\" must be a string or an integer", null, true, msg);
        }
        if (!(method instanceof String name) || !"2.0".equals(msg.get("jsonrpc"))) {
            return new JsonRpcMessage.Invalid("Invalid Request: \"jsonrpc\" must be \"2.0\" and \"method\" a string", id,
                    hasId, msg);
        }
        if (!hasId) {
            return new JsonRpcMessage.Notification(name, msg.get("params"), msg);
        }
        return new JsonRpcMessage.Request(id, name, msg.get("params"), msg);
    }
}
