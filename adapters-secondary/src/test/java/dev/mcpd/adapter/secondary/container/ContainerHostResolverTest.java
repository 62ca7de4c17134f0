package dev.mcpd.adapter.secondary.container;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

class ContainerHostResolverTest {

    private static Predicate<Path> existing(String... paths) {
        Set<Path> present = java.util.Arrays.stream(paths).map(Path::of).collect(java.util.stream.Collectors.toSet());
        return present::contains;
    }

    @Test
    void prefersTheForwardedDockerHost() {
        ContainerHostResolver resolver = new ContainerHostResolver(Map.of("DOCKER_HOST", "unix:///daemon.sock"),
                existing("/client.sock", "/daemon.sock", "/var/run/docker.sock"));

        ContainerHost host = resolver.resolve(Map.of("DOCKER_HOST", "unix:///client.sock"));

        assertThat(host.endpoint()).isEqualTo("unix:///client.sock");
        assertThat(host.source()).isEqualTo("DOCKER_HOST");
        assertThat(host.found()).isTrue();
    }

    @Test
    void fallsBackToTheDaemonsOwnDockerHost() {
        ContainerHostResolver resolver = new ContainerHostResolver(Map.of("DOCKER_HOST", "/daemon.sock"),
                existing("/daemon.sock"));

        assertThat(resolver.resolve(Map.of()).endpoint()).isEqualTo("unix:///daemon.sock");
    }

    @Test
    void skipsADockerHostWhoseSocketIsMissing() {
        ContainerHostResolver resolver = new ContainerHostResolver(Map.of(), existing("/mcpd.sock"));

        ContainerHost host = resolver.resolve(Map.of("DOCKER_HOST", "unix:///gone.sock",
                "MCPD_CONTAINER_HOST", "unix:///mcpd.sock"));

        assertThat(host.endpoint()).isEqualTo("unix:///mcpd.sock");
        assertThat(host.source()).isEqualTo("MCPD_CONTAINER_HOST");
        assertThat(host.tried()).containsExactly("DOCKER_HOST=unix:///gone.sock (no such socket)",
                "MCPD_CONTAINER_HOST=unix:///mcpd.sock");
    }

    @Test
    void triesTheUsualSocketsInOrder() {
        Map<String, String> env = Map.of("XDG_RUNTIME_DIR", "/run/user/1000");

        assertThat(new ContainerHostResolver(env, existing("/var/run/docker.sock", "/run/user/1000/podman/podman.sock",
                "/run/podman/podman.sock")).resolve(Map.of()).endpoint()).isEqualTo("unix:///var/run/docker.sock");
        assertThat(new ContainerHostResolver(env, existing("/run/user/1000/podman/podman.sock",
                "/run/podman/podman.sock")).resolve(Map.of()).endpoint())
                .isEqualTo("unix:///run/user/1000/podman/podman.sock");
        assertThat(new ContainerHostResolver(env, existing("/run/podman/podman.sock")).resolve(Map.of()).endpoint())
                .isEqualTo("unix:///run/podman/podman.sock");
    }

    @Test
    void usesTheForwardedRuntimeDirForRootlessPodman() {
        ContainerHostResolver resolver = new ContainerHostResolver(Map.of("XDG_RUNTIME_DIR", "/run/user/0"),
                existing("/run/user/1000/podman/podman.sock"));

        ContainerHost host = resolver.resolve(Map.of("XDG_RUNTIME_DIR", "/run/user/1000"));

        assertThat(host.endpoint()).isEqualTo("unix:///run/user/1000/podman/podman.sock");
        assertThat(host.source()).isEqualTo("default path");
    }

    @Test
    void acceptsTcpWithoutCheckingAndRejectsOtherSchemes() {
        ContainerHostResolver resolver = new ContainerHostResolver(Map.of(), existing());

        assertThat(resolver.resolve(Map.of("DOCKER_HOST", "tcp://127.0.0.1:2375")).endpoint())
                .isEqualTo("tcp://127.0.0.1:2375");
        ContainerHost ssh = resolver.resolve(Map.of("DOCKER_HOST", "ssh://me@box"));
        assertThat(ssh.found()).isFalse();
        assertThat(ssh.tried().getFirst()).contains("unsupported");
    }

    @Test
    void whenNothingExistsReportsTheFirstCandidateAndEverythingTried() {
        ContainerHost host = new ContainerHostResolver(Map.of(), existing()).resolve(Map.of());

        assertThat(host.found()).isFalse();
        assertThat(host.source()).isEqualTo("none found");
        assertThat(host.endpoint()).isEqualTo("unix:///var/run/docker.sock");
        assertThat(host.tried()).containsExactly("DOCKER_HOST (unset)", "MCPD_CONTAINER_HOST (unset)",
                "/var/run/docker.sock (no such socket)",
                "$XDG_RUNTIME_DIR/podman/podman.sock (XDG_RUNTIME_DIR unset)", "/run/podman/podman.sock (no such socket)");
    }
}
