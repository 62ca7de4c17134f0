package dev.mcpd.application.proxy;

import dev.mcpd.application.mcp.Json;
import dev.mcpd.application.mcp.McpServerSession;
import dev.mcpd.application.mcp.ToolCatalog;
import dev.mcpd.domain.fake.InMemoryEngine;
import dev.mcpd.domain.model.Availability;
import dev.mcpd.domain.model.Tool;
import dev.mcpd.domain.model.ToolAnnotations;
import dev.mcpd.domain.model.ToolResult;
import dev.mcpd.domain.port.CallContext;
import dev.mcpd.domain.port.Engine;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * An {@link InProcessServer} on {@link InMemoryEngine} (read-only {@code echo} and {@code sleep}) plus one tool that
 * changes state, {@code create_thing}, which counts its runs: a proxy must never re-run it after a daemon loss.
 */
final class FakeInProcessServer implements InProcessServer {

    final InMemoryEngine memory = new InMemoryEngine();
    final AtomicInteger thingsCreated = new AtomicInteger();
    final AtomicInteger opened = new AtomicInteger();
    volatile boolean closed;

    private final ToolCatalog catalog = new ToolCatalog(List.of(memory, new ThingEngine()));

    @Override
    public McpServerSession open(Consumer<Map<String, Object>> outbound, Map<String, String> environment) {
        opened.incrementAndGet();
        return InProcessSessions.open(catalog, "1.2.3", outbound, environment);
    }

    @Override
    public ToolCatalog catalog() {
        return catalog;
    }

    @Override
    public void close() {
        closed = true;
        memory.close();
    }

    private final class ThingEngine implements Engine {
        @Override
        public String name() {
            return "things";
        }

        @Override
        public Availability availability() {
            return Availability.available();
        }

        @Override
        public List<Tool> tools() {
            return List.of(new Tool("create_thing", null, "Creates a thing; not safe to run twice.",
                    Json.object("type", "object"), null, ToolAnnotations.write()));
        }

        @Override
        public ToolResult call(String tool, Map<String, Object> arguments, CallContext context) {
            return ToolResult.text("thing " + thingsCreated.incrementAndGet() + " created");
        }

        @Override
        public void close() {
            // nothing to release
        }
    }
}
