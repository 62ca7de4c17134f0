package dev.mcpd.application.tool;

import static java.util.Objects.requireNonNull;

import dev.mcpd.domain.model.Availability;
import dev.mcpd.domain.model.Tool;
import dev.mcpd.domain.model.ToolResult;
import dev.mcpd.domain.port.CallContext;
import dev.mcpd.domain.port.Engine;
import java.util.List;
import java.util.Map;

/**
 * An {@link Engine} whose tools are one {@link ToolTable}: the name, the tool list and {@code tools/call} come from
 * here, so that an engine says only what is its own (availability, detail, what {@code close} releases). By default
 * an engine is available (it has no backend) and holds nothing to close.
 */
public abstract class ToolTableEngine implements Engine {

    private final String name;
    private final ToolTable table;

    /**
     * @param name the engine's name, as {@code daemon_status} and {@code MCPD_ENGINES} show it
     * @param table its tools and their handlers; the handlers may not refer to the engine being constructed
     */
    protected ToolTableEngine(String name, ToolTable table) {
        this.name = requireNonNull(name, "name is null");
        this.table = requireNonNull(table, "table is null");
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public Availability availability() {
        return Availability.available();
    }

    @Override
    public final List<Tool> tools() {
        return table.tools();
    }

    /** Answers through the {@link ToolTable} (see its invariants). */
    @Override
    public final ToolResult call(String tool, Map<String, Object> arguments, CallContext context)
            throws InterruptedException {
        return table.call(tool, arguments, context);
    }

    /** Nothing to release by default. Idempotent. */
    @Override
    public void close() {}
}
