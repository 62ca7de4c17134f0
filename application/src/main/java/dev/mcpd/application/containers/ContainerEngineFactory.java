package dev.mcpd.application.containers;

import static java.util.Objects.requireNonNull;

import dev.mcpd.domain.port.ContainerRuntime;
import dev.mcpd.domain.port.Engine;
import dev.mcpd.domain.port.EngineFactory;
import java.time.Clock;
import java.util.Map;
import java.util.function.Function;

/**
 * Creates the {@link ContainerEngine}; creating it does no I/O (runtimes connect on first use).
 *
 * @param runtimeForEnvironment maps a caller's forwarded environment (the client hello's {@code env}, B-G6; empty for
 *        the daemon's own) to the runtime to use; must not block, and should cache one runtime per endpoint. Whoever
 *        supplies it owns and closes the runtimes.
 * @param config limits and deadlines
 * @param clock the time source
 */
public record ContainerEngineFactory(
        Function<Map<String, String>, ContainerRuntime> runtimeForEnvironment, ContainerEngineConfig config, Clock clock)
        implements EngineFactory {

    public ContainerEngineFactory {
        requireNonNull(runtimeForEnvironment, "runtimeForEnvironment is null");
        requireNonNull(config, "config is null");
        requireNonNull(clock, "clock is null");
    }

    @Override
    public String name() {
        return ContainerEngine.NAME;
    }

    @Override
    public Engine create() {
        return new ContainerEngine(runtimeForEnvironment, config, clock);
    }
}
