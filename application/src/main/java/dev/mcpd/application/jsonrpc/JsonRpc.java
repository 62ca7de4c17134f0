package dev.mcpd.application.jsonrpc;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * JSON-RPC 2.0 message shapes and the error codes of its §5.1, as MCP uses them. Every builder returns a new
 * insertion-ordered map ({@code jsonrpc}, {@code id}, then {@code result} or {@code error}), so output is
 * deterministic (house rule 16).
 */
public final class JsonRpc {

    /** Invalid JSON was received (B-M4). */
    public static final int PARSE_ERROR = -32700;
    /** The JSON is not a valid request object. */
    public static final int INVALID_REQUEST = -32600;
    /** The method does not exist (B-M3). */
    public static final int METHOD_NOT_FOUND = -32601;
    /** Invalid method parameters, or an unknown tool (B-M6). */
    public static final int INVALID_PARAMS = -32602;
    /** An internal error of the server. */
    public static final int INTERNAL_ERROR = -32603;
    /** mcpd: the daemon went away while the request was in flight (B-G3). */
    public static final int DAEMON_LOST = -32001;
    /** mcpd: the daemon is shutting down and cancelled the request (B-E1). */
    public static final int SHUTTING_DOWN = -32002;

    private JsonRpc() {}

    /**
     * A success response.
     *
     * @param id the request's id as it arrived (a String or an integral Number; see {@link RequestId#json()})
     * @param result the result object; omitted when {@code null}
     */
    public static Map<String, Object> result(Object id, Object result) {
        Map<String, Object> response = envelope(id);
        if (result != null) {
            response.put("result", result);
        }
        return response;
    }

    /**
     * An error response. When the request's id could not be read ({@code id} is {@code null}: a parse error, an
     * invalid request) the response has no {@code id} member at all.
     *
     * <p>JSON-RPC 2.0 §5 asks for {@code "id": null} there, but MCP, the protocol mcpd serves, narrows it: its
     * {@code RequestId} is a string or a number and never {@code null} (every revision's schema), and since
     * 2025-11-25 an error response's {@code id} is optional for exactly this case. A {@code null} id fails the
     * schema check of MCP SDK clients; an absent one passes both the MCP schema and lenient JSON-RPC readers (B-M4).
     *
     * @param id the request's id as it arrived, or {@code null} when it could not be read
     * @param code a JSON-RPC error code (§5.1), or one of mcpd's in {@code -32000} to {@code -32099}
     * @param message one sentence a person can act on
     */
    public static Map<String, Object> error(Object id, int code, String message) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", code);
        error.put("message", message);
        Map<String, Object> response = envelope(id);
        response.put("error", error);
        return response;
    }

    /**
     * A notification.
     *
     * @param params the params object; omitted when {@code null}
     */
    public static Map<String, Object> notification(String method, Object params) {
        Map<String, Object> message = envelope(null);
        message.put("method", method);
        if (params != null) {
            message.put("params", params);
        }
        return message;
    }

    private static Map<String, Object> envelope(Object id) {
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("jsonrpc", "2.0");
        if (id != null) {
            message.put("id", id);
        }
        return message;
    }
}
