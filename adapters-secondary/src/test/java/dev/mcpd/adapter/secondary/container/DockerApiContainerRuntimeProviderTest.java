package dev.mcpd.adapter.secondary.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcpd.domain.error.ContainerRuntimeException;
import dev.mcpd.domain.port.ContainerRuntime;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DockerApiContainerRuntimeProviderTest {

    /** Every {@code /<name>.sock} at the root counts as a socket; nothing is connected to. */
    private final DockerApiContainerRuntimeProvider provider = new DockerApiContainerRuntimeProvider(
            new ContainerHostResolver(null, path -> path.getParent().equals(Path.of("/"))
                    && path.getFileName().toString().endsWith(".sock") ? null : "no such socket"),
            DockerApiContainerRuntimeConfig.defaults());

    @AfterEach
    void close() {
        provider.close();
    }

    private ContainerRuntime forHost(String socket) {
        return provider.apply(Map.of("DOCKER_HOST", "unix://" + socket));
    }

    @Test
    void keepsOneRuntimePerEndpoint() {
        ContainerRuntime a = forHost("/a.sock");
        ContainerRuntime again = provider.apply(Map.of("MCPD_CONTAINER_HOST", "unix:///a.sock"));
        ContainerRuntime b = forHost("/b.sock");

        assertThat(again).isSameAs(a);
        assertThat(b).isNotSameAs(a);
        assertThat(a.endpoint()).isEqualTo("unix:///a.sock");
        assertThat(b.endpoint()).isEqualTo("unix:///b.sock");
    }

    @Test
    void keepsAtMostAFewRuntimesAndClosesTheLeastRecentlyUsed() throws Exception { // review finding 21
        ContainerRuntime first = forHost("/first.sock");
        List<ContainerRuntime> made = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            made.add(forHost("/s" + i + ".sock"));
            forHost("/first.sock"); // kept in use: never the least recently used
        }

        assertThat(provider.endpoints()).hasSize(DockerApiContainerRuntimeProvider.MAX_RUNTIMES)
                .contains("unix:///first.sock", "unix:///s99.sock").doesNotContain("unix:///s0.sock");
        assertThat(forHost("/first.sock")).isSameAs(first);
        // A dropped runtime is closed: a caller still holding it gets a clear error, not a hang or a leak.
        assertThatThrownBy(() -> made.getFirst().listImages(Instant.now().plusSeconds(5)))
                .isInstanceOf(ContainerRuntimeException.Unreachable.class).hasMessageContaining("closed");
        assertThat(forHost("/s0.sock")).as("asked again: a fresh one").isNotSameAs(made.getFirst());
    }

    @Test
    void refusesToServeOnceClosed() {
        provider.apply(Map.of());
        provider.close();
        provider.close();

        assertThatThrownBy(() -> provider.apply(Map.of())).isInstanceOf(IllegalStateException.class);
    }
}
