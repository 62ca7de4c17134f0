package dev.mcpd.domain.fake;

import dev.mcpd.domain.contract.ContainerRuntimeContract;
import dev.mcpd.domain.model.container.ContainerRunSpec;
import dev.mcpd.domain.port.ContainerRuntime;
import org.junit.jupiter.api.Nested;

/** The in-memory container runtime passes the port's contract, so engine tests built on it test real promises. */
class InMemoryContainerRuntimeTest {

    @Nested
    class Contract extends ContainerRuntimeContract {
        @Override
        protected ContainerRuntime newRuntime() {
            return new InMemoryContainerRuntime();
        }

        @Override
        protected ContainerRuntime unreachableRuntime() {
            InMemoryContainerRuntime down = new InMemoryContainerRuntime();
            down.setReachable(false);
            return down;
        }

        @Override
        protected String image() {
            return InMemoryContainerRuntime.DEFAULT_IMAGE;
        }

        @Override
        protected ContainerRunSpec.Builder echoThenWait(String line) {
            return ContainerRunSpec.builder(image()).network("none").env(InMemoryContainerRuntime.FAKE_STDOUT, line);
        }
    }
}
