package dev.mcpd.domain.contract;

import static dev.mcpd.domain.testing.TestTime.millis;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpd.domain.port.Engine;
import dev.mcpd.domain.port.EngineFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link EngineFactory} passes: it names the engine it makes, and making one does no backend
 * I/O, so that a daemon's start and a proxy's in-process fallback stay fast whatever the backend's state (B-G4).
 */
public abstract class EngineFactoryContract {

    protected abstract EngineFactory newFactory() throws Exception;

    @Test
    void namesTheEngineItCreates() throws Exception {
        EngineFactory factory = newFactory();
        try (Engine engine = factory.create()) {
            assertThat(engine.name()).isEqualTo(factory.name());
        }
    }

    @Test
    void createsWithoutWaitingForABackend() throws Exception {
        EngineFactory factory = newFactory();
        long begun = System.nanoTime();
        Engine engine = factory.create();
        Duration took = Duration.ofNanos(System.nanoTime() - begun);
        engine.close();
        assertThat(took).isLessThan(millis(1000));
    }

    @Test
    void eachEngineIsItsOwnAndClosesAlone() throws Exception {
        EngineFactory factory = newFactory();
        Engine first = factory.create();
        Engine second = factory.create();
        assertThat(second).isNotSameAs(first);
        first.close();
        assertThat(second.tools()).isNotEmpty();
        second.close();
    }
}
