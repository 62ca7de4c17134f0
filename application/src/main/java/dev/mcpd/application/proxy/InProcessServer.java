package dev.mcpd.application.proxy;

import dev.mcpd.application.mcp.McpServerSession;
import dev.mcpd.application.mcp.ToolCatalog;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Makes the MCP session a proxy serves itself when no daemon can serve it (B-G4). Engines are created on the
 * first call to {@link #open}, never on the proxy's start-up path.
 */
public interface InProcessServer {

    /**
     * Opens a session whose messages go to {@code outbound}.
     *
     * @param outbound thread-safe sink of messages for the host
     * @param environment the proxy's own environment for the backends
     */
    McpServerSession open(Consumer<Map<String, Object>> outbound, Map<String, String> environment);

    /** The tools the in-process session serves (engines created on first use). */
    ToolCatalog catalog();

    /** Closes the engines, if any were created. */
    void close();
}
