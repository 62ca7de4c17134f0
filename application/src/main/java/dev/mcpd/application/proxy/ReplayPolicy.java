package dev.mcpd.application.proxy;

import dev.mcpd.application.jsonrpc.JsonRpc;
import dev.mcpd.application.mcp.Json;
import dev.mcpd.application.mcp.ToolCatalog;
import java.util.Map;

/**
 * What a proxy does with a request the lost daemon still owed an answer to (B-G3): re-serve it in-process when that
 * is safe, else answer that the daemon went away and that the call may have run.
 */
final class ReplayPolicy {

    private ReplayPolicy() {}

    /**
     * Whether running {@code request} again in-process is safe: {@code ping}, {@code initialize}, {@code tools/list},
     * and {@code tools/call} of a tool whose annotations say it is safe to retry (read-only or idempotent).
     *
     * @param request the request as the host sent it
     * @param catalog the tools the in-process session serves
     */
    static boolean safeToReserve(Map<String, Object> request, ToolCatalog catalog) {
        String method = Json.asString(request.get("method"));
        if (method == null) {
            return false;
        }
        return switch (method) {
            case "ping", "initialize", "tools/list" -> true;
            case "tools/call" -> {
                String name = toolName(request);
                yield name != null && catalog.find(name).map(e -> e.tool().annotations().safeToRetry()).orElse(false);
            }
            default -> false;
        };
    }

    /** The {@code -32001} answer to a request that is not safe to re-serve: it may have run (B-G3). */
    static Map<String, Object> daemonLost(Map<String, Object> request) {
        String tool = toolName(request);
        return JsonRpc.error(request.get("id"), JsonRpc.DAEMON_LOST, "the mcpd daemon went away while "
                + (tool == null ? "this request" : "tool " + tool) + " was in flight; it may have run. "
                + "Check its effect before calling it again; this session now runs in-process.");
    }

    private static String toolName(Map<String, Object> request) {
        Map<String, Object> params = Json.asObject(request.get("params"));
        return params == null ? null : Json.asString(params.get("name"));
    }
}
