package dev.mcpd.adapter.secondary.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcpd.domain.port.ContainerRuntime;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DockerApiContainerRuntimeProviderTest {

    private final DockerApiContainerRuntimeProvider provider = new DockerApiContainerRuntimeProvider(
            new ContainerHostResolver(Map.of(), path -> path.equals(Path.of("/a.sock")) || path.equals(Path.of("/b.sock"))),
            DockerApiContainerRuntimeConfig.defaults());

    @Test
    void keepsOneRuntimePerEndpoint() {
        ContainerRuntime a = provider.apply(Map.of("DOCKER_HOST", "unix:///a.sock"));
        ContainerRuntime again = provider.apply(Map.of("MCPD_CONTAINER_HOST", "unix:///a.sock"));
        ContainerRuntime b = provider.apply(Map.of("DOCKER_HOST", "unix:///b.sock"));

        assertThat(again).isSameAs(a);
        assertThat(b).isNotSameAs(a);
        assertThat(a.endpoint()).isEqualTo("unix:///a.sock");
        assertThat(b.endpoint()).isEqualTo("unix:///b.sock");
    }

    @Test
    void refusesToServeOnceClosed() {
        provider.apply(Map.of());
        provider.close();
        provider.close();

        assertThatThrownBy(() -> provider.apply(Map.of())).isInstanceOf(IllegalStateException.class);
    }
}
