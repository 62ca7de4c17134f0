package dev.mcpd.application.proxy;

import dev.mcpd.application.mcp.CallObserver;
import dev.mcpd.application.mcp.McpServerSession;
import dev.mcpd.application.mcp.ServerInfo;
import dev.mcpd.application.mcp.SessionSettings;
import dev.mcpd.application.mcp.ToolCatalog;
import dev.mcpd.application.wire.TestJsonCodec;
import dev.mcpd.domain.time.Ticker;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;

/** The in-process session the proxy tests' fake servers open: uncapped, a 1 min call timeout, pages of 100. */
final class InProcessSessions {

    private InProcessSessions() {}

    static McpServerSession open(ToolCatalog catalog, String version, Consumer<Map<String, Object>> outbound,
            Map<String, String> environment) {
        return new McpServerSession(catalog, SessionSettings.uncapped(new ServerInfo("mcpd", version, null),
                Duration.ofMinutes(1), 100), outbound, CallObserver.NONE, null, environment, Clock.systemUTC(),
                Ticker.system(), new TestJsonCodec());
    }
}
