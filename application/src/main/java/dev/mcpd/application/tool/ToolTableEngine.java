package dev.mcpd.application.tool;

import static java.util.Objects.requireNonNull;

import dev.mcpd.domain.model.Availability;
import dev.mcpd.domain.model.Tool;
import dev.mcpd.domain.model.ToolResult;
import dev.mcpd.domain.port.CallContext;
import dev.mcpd.domain.port.Engine;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An {@link Engine} whose tools are one {@link ToolTable}: the name, the tool list, {@code tools/call} and the
 * closed state live here, so that an engine says only what is its own (its backend's availability, detail, what
 * {@link #release()} frees).
 *
 * <p>Invariants (the {@code Engine} contract, B-E1):
 * <ol>
 *   <li>{@link #close()} runs {@link #release()} once, however often and from however many threads it is called.
 *   <li>Once closed, {@link #availability()} is unavailable ("closed") and every call is an {@code isError} result
 *       saying so; nothing reaches the backend.
 * </ol>
 */
public abstract class ToolTableEngine implements Engine {

    private final String name;
    private final ToolTable table;
    private final AtomicBoolean closed = new AtomicBoolean();

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

    /** Unavailable once closed; until then {@link #backendAvailability()}. */
    @Override
    public final Availability availability() {
        return closed.get() ? Availability.unavailable("the " + name + " engine is closed") : backendAvailability();
    }

    /** Whether the backend is usable now; available by default (an engine without a backend). Must not block. */
    protected Availability backendAvailability() {
        return Availability.available();
    }

    @Override
    public final List<Tool> tools() {
        return table.tools();
    }

    /** Answers through the {@link ToolTable} (see its invariants); once closed, an {@code isError} result. */
    @Override
    public final ToolResult call(String tool, Map<String, Object> arguments, CallContext context)
            throws InterruptedException {
        if (closed.get()) {
            return ToolResult.error("the " + name + " engine is closed (mcpd is shutting down); " + tool + " was not run");
        }
        return table.call(tool, arguments, context);
    }

    /** Closes the engine: the first call runs {@link #release()}, later ones do nothing. Never throws. */
    @Override
    public final void close() {
        if (closed.compareAndSet(false, true)) {
            release();
        }
    }

    /** Frees what the engine owns (connections, child processes); runs once, from {@link #close()}. Nothing by default. */
    protected void release() {}
}
