package dev.mcpd.domain.fake;

import dev.mcpd.domain.contract.ClientRegistryContract;
import dev.mcpd.domain.contract.EngineContract;
import dev.mcpd.domain.contract.EngineFactoryContract;
import dev.mcpd.domain.contract.LivenessProbeContract;
import dev.mcpd.domain.contract.TransportContract;
import dev.mcpd.domain.model.Endpoint;
import dev.mcpd.domain.port.ClientRegistry;
import dev.mcpd.domain.port.Engine;
import dev.mcpd.domain.port.EngineFactory;
import dev.mcpd.domain.port.LivenessProbe;
import dev.mcpd.domain.port.Transport;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Nested;

/** Every in-memory fake passes the contract of its port, so tests built on fakes test the real promises. */
class InMemoryFakesTest {

    @Nested
    class Transports extends TransportContract {
        private final java.util.Map<String, InMemoryTransport> byName = new java.util.concurrent.ConcurrentHashMap<>();

        @Override
        protected Transport newTransport(Path dir) {
            String name = "test-" + byName.size();
            InMemoryTransport created = new InMemoryTransport(name);
            byName.put(name, created);
            return created;
        }

        @Override
        protected Peer connect(Endpoint endpoint) throws IOException {
            InMemoryTransport target = byName.get(endpoint.address());
            if (target == null) {
                throw new IOException("no in-memory transport named " + endpoint.address());
            }
            return target.connect();
        }

        @Override
        protected boolean takeEndpointAway(Endpoint endpoint) {
            byName.get(endpoint.address()).loseEndpoint("the name was taken over");
            return true;
        }
    }

    @Nested
    class Registries extends ClientRegistryContract {
        @Override
        protected ClientRegistry newRegistry() {
            return new InMemoryClientRegistry();
        }
    }

    @Nested
    class Probes extends LivenessProbeContract {
        private final InMemoryLivenessProbe fake = new InMemoryLivenessProbe();

        @Override
        protected LivenessProbe newProbe() {
            return fake;
        }

        @Override
        protected TestProcess startProcess() {
            long pid = fake.start(Instant.now());
            return new TestProcess() {
                @Override
                public long pid() {
                    return pid;
                }

                @Override
                public void kill() {
                    fake.kill(pid);
                }
            };
        }
    }

    @Nested
    class Engines extends EngineContract {
        @Override
        protected Engine newEngine() {
            return new InMemoryEngine();
        }

        @Override
        protected int releases() {
            return ((InMemoryEngine) engine).releases();
        }

        @Override
        protected SampleCall sampleCall() {
            return new SampleCall("echo", Map.of("text", "hi"));
        }
    }

    @Nested
    class EngineFactories extends EngineFactoryContract {
        @Override
        protected EngineFactory newFactory() {
            return new InMemoryEngineFactory();
        }
    }
}
