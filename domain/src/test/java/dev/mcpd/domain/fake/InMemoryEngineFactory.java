package dev.mcpd.domain.fake;

import dev.mcpd.domain.port.Engine;
import dev.mcpd.domain.port.EngineFactory;

/** Makes {@link InMemoryEngine}s. */
public final class InMemoryEngineFactory implements EngineFactory {

    @Override
    public String name() {
        return "memory";
    }

    @Override
    public Engine create() {
        return new InMemoryEngine();
    }
}
