package dev.mcpd.domain.port;

import dev.mcpd.domain.model.Availability;
import dev.mcpd.domain.model.Tool;
import dev.mcpd.domain.model.ToolResult;
import java.util.List;
import java.util.Map;

/**
 * A set of MCP tools behind one backend (containers, hyperd SQL, daemon admin, an external MCP server).
 *
 * <p>Invariants, checked by {@code EngineContract}:
 * <ol>
 *   <li>Tool names are unique and valid (B-M5); the list is stable for the engine's life.
 *   <li>{@link #call} may run concurrently from many threads; there is no engine-wide lock held across I/O (B-B3, B-M8).
 *   <li>A failure of the backend is an {@code isError} result, never an exception (B-M6); only cancellation or
 *       interruption may end a call with an exception.
 *   <li>{@link #close()} releases every backend resource (connections, child processes) and is idempotent (B-E1).
 * </ol>
 */
public interface Engine extends AutoCloseable {

    /** A short stable name, e.g. {@code containers}; shown in {@code daemon_status}. */
    String name();

    /** Whether the backend is usable now, and if not why (e.g. no container runtime socket). */
    Availability availability();

    /**
     * One line about the backend in use, for {@code daemon_status} and {@code mcpd doctor}, e.g.
     * {@code "Podman Engine 4.3.1, API 1.41, at unix:///run/podman/podman.sock"}; empty when there is nothing to say.
     * May ask the backend, but returns within about half a second.
     */
    default String detail() {
        return "";
    }

    /** The tools this engine serves, in a fixed order. */
    List<Tool> tools();

    /**
     * Runs one tool.
     *
     * @param tool a name from {@link #tools()}
     * @param arguments the call's {@code arguments} object (JSON-shaped Java values), never null
     * @param context cancellation, deadline, progress and forwarded environment
     * @return the result; backend failures are {@link ToolResult#error(String)}
     * @throws InterruptedException if the calling thread was interrupted (the call was cancelled)
     * @throws IllegalArgumentException if {@code tool} is not one of {@link #tools()}
     */
    ToolResult call(String tool, Map<String, Object> arguments, CallContext context) throws InterruptedException;

    /** Releases every resource; idempotent, never throws. */
    @Override
    void close();
}
