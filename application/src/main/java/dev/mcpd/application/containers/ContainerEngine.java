package dev.mcpd.application.containers;

import static java.util.Objects.requireNonNull;

import dev.mcpd.application.tool.ToolTable;
import dev.mcpd.application.tool.ToolTableEngine;
import dev.mcpd.domain.error.ContainerRuntimeException;
import dev.mcpd.domain.model.Availability;
import dev.mcpd.domain.model.container.RuntimeInfo;
import dev.mcpd.domain.port.ContainerRuntime;
import java.time.Clock;
import java.util.Map;
import java.util.function.Function;

/**
 * Manages containers through MCP tools, over whichever {@link ContainerRuntime} the caller's environment selects
 * (B-B1, B-B2, B-G6).
 *
 * <p>Invariants:
 * <ol>
 *   <li>Each call picks its runtime from the environment forwarded in the client's hello
 *       ({@link CallContext#environment()}), so {@code DOCKER_HOST} set where the host runs is honoured (B-G6).
 *   <li>No lock is held across runtime calls; every runtime call has a deadline: the call's own, or sooner
 *       {@link ContainerEngineConfig#operationTimeout()}; for stop and restart, the stop timeout plus
 *       {@link ContainerEngineConfig#stopMargin()} (B-B2, B-B3).
 *   <li>Bad argument values and runtime failures are {@code isError} results saying what to do, never exceptions;
 *       "already stopped" and "already running" are informative successes (B-M6).
 *   <li>Every successful result carries {@code structuredContent} matching the tool's {@code outputSchema} and a
 *       readable text block; lists are tables like the {@code docker} CLI's.
 * </ol>
 */
public final class ContainerEngine extends ToolTableEngine {

    /** The engine's name, as {@code daemon_status} shows it. */
    public static final String NAME = "containers";

    private final Function<Map<String, String>, ContainerRuntime> runtimeForEnvironment;
    private final Clock clock;

    /**
     * @param runtimeForEnvironment the runtime for a caller's forwarded environment; must not block (runtimes connect
     *        lazily) and should cache a runtime per endpoint
     * @param config limits and deadlines
     * @param clock the time source for deadlines, relative {@code since} values and "created … ago"
     */
    public ContainerEngine(
            Function<Map<String, String>, ContainerRuntime> runtimeForEnvironment, ContainerEngineConfig config, Clock clock) {
        super(NAME, ToolTable.of(NAME, ContainerTools.all(config, new ContainerCalls(
                        requireNonNull(runtimeForEnvironment, "runtimeForEnvironment is null"),
                        requireNonNull(config, "config is null"), requireNonNull(clock, "clock is null"))),
                ContainerRuntimeException.class, ContainerCalls::describe));
        this.runtimeForEnvironment = runtimeForEnvironment;
        this.clock = clock;
    }

    /** The availability of the runtime the daemon's own environment selects; never blocks. */
    @Override
    protected Availability backendAvailability() {
        return runtimeForEnvironment.apply(Map.of()).availability();
    }

    /** The runtime the daemon's own environment selects, with its version and API version. */
    @Override
    public String detail() {
        ContainerRuntime runtime = runtimeForEnvironment.apply(Map.of());
        if (!runtime.availability().isAvailable()) {
            return "no runtime at " + runtime.endpoint();
        }
        try {
            RuntimeInfo info = runtime.runtimeInfo(clock.instant().plusMillis(500));
            return info.name() + " " + info.version() + ", API " + info.apiVersion() + ", at " + info.endpoint()
                    + " (from " + info.source() + ")";
        } catch (ContainerRuntimeException e) {
            return "runtime at " + runtime.endpoint() + " did not answer: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "runtime at " + runtime.endpoint();
        }
    }

}
