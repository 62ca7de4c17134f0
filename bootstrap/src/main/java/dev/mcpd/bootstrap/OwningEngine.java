package dev.mcpd.bootstrap;

import static java.util.Objects.requireNonNull;

import dev.mcpd.domain.model.Availability;
import dev.mcpd.domain.model.Tool;
import dev.mcpd.domain.model.ToolResult;
import dev.mcpd.domain.port.CallContext;
import dev.mcpd.domain.port.Engine;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** An engine together with the backend resources it was given; closing it closes both, engine first (B-E1). */
final class OwningEngine implements Engine {

    private static final Logger log = LoggerFactory.getLogger(OwningEngine.class);

    private final Engine engine;
    private final AutoCloseable resources;

    OwningEngine(Engine engine, AutoCloseable resources) {
        this.engine = requireNonNull(engine, "engine is null");
        this.resources = requireNonNull(resources, "resources is null");
    }

    @Override
    public String name() {
        return engine.name();
    }

    @Override
    public Availability availability() {
        return engine.availability();
    }

    @Override
    public String detail() {
        return engine.detail();
    }

    @Override
    public List<Tool> tools() {
        return engine.tools();
    }

    @Override
    public ToolResult call(String tool, Map<String, Object> arguments, CallContext context) throws InterruptedException {
        return engine.call(tool, arguments, context);
    }

    @Override
    public void close() {
        engine.close();
        try {
            resources.close();
        } catch (Exception e) {
            log.warn("closing the resources of engine {} failed", engine.name(), e);
        }
    }
}
