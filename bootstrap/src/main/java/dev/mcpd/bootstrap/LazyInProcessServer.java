package dev.mcpd.bootstrap;

import dev.mcpd.application.admin.AdminEngine;
import dev.mcpd.application.daemon.DaemonStatus;
import dev.mcpd.application.mcp.CallObserver;
import dev.mcpd.application.mcp.McpServerSession;
import dev.mcpd.application.mcp.ServerInfo;
import dev.mcpd.application.mcp.SessionSettings;
import dev.mcpd.application.mcp.ToolCatalog;
import dev.mcpd.application.proxy.InProcessServer;
import dev.mcpd.domain.port.Engine;
import dev.mcpd.domain.port.EngineFactory;
import dev.mcpd.domain.port.JsonCodec;
import dev.mcpd.domain.time.Ticker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The engines a proxy serves itself when no daemon can (B-G4), created on first use so that they stay off the
 * proxy's start-up path. Its {@code daemon_status} describes the proxy, with no transports and one client.
 */
final class LazyInProcessServer implements InProcessServer {

    private final Supplier<List<EngineFactory>> factories;
    private final McpdConfig config;
    private final JsonCodec codec;
    private final Instant startedAt = Instant.now();
    private ToolCatalog catalog;

    LazyInProcessServer(Supplier<List<EngineFactory>> factories, McpdConfig config, JsonCodec codec) {
        this.factories = factories;
        this.config = config;
        this.codec = codec;
    }

    @Override
    public synchronized ToolCatalog catalog() {
        if (catalog == null) {
            List<Engine> engines = new ArrayList<>();
            engines.add(new AdminEngine(this::status, reason -> {}));
            for (EngineFactory factory : factories.get()) {
                engines.add(factory.create());
            }
            catalog = new ToolCatalog(engines);
        }
        return catalog;
    }

    private DaemonStatus status() {
        List<DaemonStatus.EngineStatus> engines = new ArrayList<>();
        for (Engine engine : catalog().engines()) {
            engines.add(new DaemonStatus.EngineStatus(engine.name(), engine.availability(), engine.tools().size(),
                    engine.detail()));
        }
        return new DaemonStatus(BuildInfo.version(), ProcessHandle.current().pid(), "in-process:" + config.stateDir(),
                startedAt, Duration.between(startedAt, Instant.now()), List.of(), engines, List.of(),
                "no daemon: this proxy serves the session in-process");
    }

    @Override
    public McpServerSession open(Consumer<Map<String, Object>> outbound, Map<String, String> environment) {
        return new McpServerSession(catalog(), SessionSettings.uncapped(new ServerInfo("mcpd", BuildInfo.version(),
                "Served in-process by the mcpd proxy (no shared daemon)."), config.callTimeout(), 100), outbound,
                CallObserver.NONE, null, environment, Clock.systemUTC(), Ticker.system(), codec);
    }

    @Override
    public synchronized void close() {
        if (catalog != null) {
            for (Engine engine : catalog.engines()) {
                engine.close();
            }
        }
    }

}
