package dev.mcpd.application.daemon;

import static java.util.Objects.requireNonNull;

import dev.mcpd.application.mcp.ServerInfo;
import dev.mcpd.application.mcp.ToolCatalog;
import dev.mcpd.domain.port.ClientRegistry;
import dev.mcpd.domain.port.JsonCodec;
import dev.mcpd.domain.port.LivenessProbe;
import dev.mcpd.domain.time.Ticker;
import java.time.Clock;

/**
 * What {@link ClientConnectionHandler} serves its connections with, shared by all of them.
 *
 * @param serverInfo the MCP {@code serverInfo} and instructions every session answers {@code initialize} with
 * @param catalog the tools of every engine (B-M5)
 * @param registry where each connection is registered as a client (B-L1) and its calls counted
 * @param probe identifies and watches the hello's pids (B-L2, B-L3)
 * @param codec JSON for the wire
 * @param activity told when a client leaves or a call finishes (B-L4, and the shutdown's drain B-E1)
 * @param clock wall-clock instants of a client's activity (B-L5)
 * @param ticker monotonic time for the bounded waits of the shutdown path (STYLE rule 10)
 */
public record ConnectionServices(
        ServerInfo serverInfo,
        ToolCatalog catalog,
        ClientRegistry registry,
        LivenessProbe probe,
        JsonCodec codec,
        ActivityTracker activity,
        Clock clock,
        Ticker ticker) {

    public ConnectionServices {
        requireNonNull(serverInfo, "serverInfo is null");
        requireNonNull(catalog, "catalog is null");
        requireNonNull(registry, "registry is null");
        requireNonNull(probe, "probe is null");
        requireNonNull(codec, "codec is null");
        requireNonNull(activity, "activity is null");
        requireNonNull(clock, "clock is null");
        requireNonNull(ticker, "ticker is null");
    }
}
