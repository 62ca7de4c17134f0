package dev.mcpd.application.mcp;

import java.util.Map;

/** JSON-RPC 2.0 message shapes and the error codes of its §5.1, as MCP uses them. */
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

    public static Map<String, Object> result(Object id, Object result) {
        return Json.object("jsonrpc", "2.0", "id", id, "result", result);
    }

    /** An error response; {@code id} null renders as {@code "id":null} only when the request had one we could not read. */
    public static Map<String, Object> error(Object id, int code, String message) {
        Map<String, Object> response = Json.object("jsonrpc", "2.0");
        if (id != null) {
            response.put("id", id);
        }
        response.put("error", Json.object("code", code, "message", message));
        return response;
    }

    public static Map<String, Object> notification(String method, Object params) {
        return Json.object("jsonrpc", "2.0", "method", method, "params", params);
    }
}
