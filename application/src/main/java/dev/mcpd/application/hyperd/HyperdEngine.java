package dev.mcpd.application.hyperd;

import static java.util.Objects.requireNonNull;

import dev.mcpd.application.tool.ToolTable;
import dev.mcpd.application.tool.ToolTableEngine;
import dev.mcpd.domain.error.HyperdException;
import dev.mcpd.domain.model.Availability;
import dev.mcpd.domain.model.hyperd.HyperdStatus;
import dev.mcpd.domain.port.HyperdClient;
import java.time.Clock;

/**
 * SQL tools over one shared Hyper database server (B-B3), through the {@link HyperdClient} port.
 *
 * <p>Invariants:
 * <ol>
 *   <li>Every SQL operation has a deadline: the call's own, or sooner {@link HyperdEngineConfig#statementTimeout()}.
 *       The engine holds no lock; calls run concurrently, each on its own connection (B-B3, B-M8). Every operation
 *       names the calling client ({@link CallContext#client()}), so that the client shares connections fairly
 *       between clients (review finding 12).
 *   <li>{@code hyperd_status} reads a snapshot and never waits for a busy connection.
 *   <li>SQL errors are {@code isError} results with the SQLSTATE and the server's message; so are bad arguments, an
 *       unavailable hyperd and a deadline that ran out (B-M6).
 *   <li>Every successful result carries {@code structuredContent} matching the tool's {@code outputSchema} and a
 *       readable text block; query results are a text table, truncated with a note.
 * </ol>
 */
public final class HyperdEngine extends ToolTableEngine {

    /** The engine's name, as {@code daemon_status} and {@code MCPD_ENGINES} use it. */
    public static final String NAME = "hyperd";

    private final HyperdClient client;

    /**
     * @param client the hyperd client; whoever supplies it closes it
     * @param config limits and deadlines
     * @param clock the time source for deadlines
     */
    public HyperdEngine(HyperdClient client, HyperdEngineConfig config, Clock clock) {
        super(NAME, ToolTable.of(NAME, HyperdTools.all(config, new HyperdCalls(requireNonNull(client, "client is null"),
                        requireNonNull(config, "config is null"), requireNonNull(clock, "clock is null"))),
                HyperdException.class, HyperdCalls::describe));
        this.client = client;
    }

    @Override
    protected Availability backendAvailability() {
        return client.availability();
    }

    /** One line: the server's state, endpoint and pid, or why there is none; never blocks. */
    @Override
    public String detail() {
        HyperdStatus status = client.status();
        StringBuilder detail = new StringBuilder("hyperd ").append(status.state().wireName());
        if (status.pid() != null) {
            detail.append(", pid ").append(status.pid()).append(" at ").append(status.endpoint());
        }
        if (status.binary() != null) {
            detail.append(", binary ").append(status.binary());
        }
        detail.append(", database ").append(status.database());
        return detail.toString();
    }

}
