package dev.mcpd.adapter.secondary.container;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** Which runtime endpoint a caller gets (B-B1, B-G6; review findings 8 and 21). */
class ContainerHostResolverTest {

    private static final Path OWN_RUNTIME_DIR = Path.of("/run/user/1000");

    @TempDir
    Path dir;

    /** Sockets that exist: every other path is "no such socket". */
    private static ContainerHostResolver.SocketCheck sockets(String... paths) {
        Set<Path> present = java.util.Arrays.stream(paths).map(Path::of).collect(java.util.stream.Collectors.toSet());
        return path -> present.contains(path) ? null : "no such socket";
    }

    private static ContainerHostResolver resolver(String... sockets) {
        return new ContainerHostResolver(OWN_RUNTIME_DIR, sockets(sockets));
    }

    @Test
    void prefersTheForwardedDockerHost() {
        ContainerHost host = resolver("/client.sock", "/var/run/docker.sock")
                .resolve(Map.of("DOCKER_HOST", "unix:///client.sock"));

        assertThat(host.endpoint()).isEqualTo("unix:///client.sock");
        assertThat(host.source()).isEqualTo("DOCKER_HOST");
        assertThat(host.found()).isTrue();
    }

    @Test
    void neverUsesTheDaemonsOwnDockerHost() throws Exception { // review finding 8: it belonged to whichever session cold-started it
        Path coldStarters = dir.resolve("cold-starter.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(coldStarters));
            String javaCommand = ProcessHandle.current().info().command().orElseThrow();
            ProcessBuilder builder = new ProcessBuilder(javaCommand, "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp",
                    System.getProperty("java.class.path"), ResolveWithoutForwardingMain.class.getName())
                    .redirectError(ProcessBuilder.Redirect.INHERIT);
            builder.environment().put("DOCKER_HOST", "unix://" + coldStarters);
            builder.environment().put("MCPD_CONTAINER_HOST", "unix://" + coldStarters);
            Process process = builder.start();
            String resolved = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(process.waitFor()).isZero();

            assertThat(resolved).doesNotContain(coldStarters.toString()).doesNotContain("DOCKER_HOST")
                    .doesNotContain("MCPD_CONTAINER_HOST");
        }
    }

    @Test
    void skipsADockerHostWhoseSocketIsMissing() {
        ContainerHost host = resolver("/mcpd.sock").resolve(Map.of("DOCKER_HOST", "unix:///gone.sock",
                "MCPD_CONTAINER_HOST", "unix:///mcpd.sock"));

        assertThat(host.endpoint()).isEqualTo("unix:///mcpd.sock");
        assertThat(host.source()).isEqualTo("MCPD_CONTAINER_HOST");
        assertThat(host.tried()).containsExactly("DOCKER_HOST=unix:///gone.sock (no such socket)",
                "MCPD_CONTAINER_HOST=unix:///mcpd.sock");
    }

    @Test
    void triesTheUsualSocketsInOrder() {
        Map<String, String> env = Map.of("XDG_RUNTIME_DIR", "/run/user/2000");

        assertThat(resolver("/var/run/docker.sock", "/run/user/2000/podman/podman.sock", "/run/podman/podman.sock")
                .resolve(env).endpoint()).isEqualTo("unix:///var/run/docker.sock");
        assertThat(resolver("/run/user/2000/podman/podman.sock", "/run/user/1000/podman/podman.sock",
                "/run/podman/podman.sock").resolve(env).endpoint()).isEqualTo("unix:///run/user/2000/podman/podman.sock");
        assertThat(resolver("/run/user/1000/podman/podman.sock", "/run/podman/podman.sock").resolve(env).endpoint())
                .isEqualTo("unix:///run/user/1000/podman/podman.sock");
        assertThat(resolver("/run/podman/podman.sock").resolve(env).endpoint())
                .isEqualTo("unix:///run/podman/podman.sock");
    }

    @Test
    void findsRootlessPodmanOfItsOwnUidWhenTheHostForwardsNoRuntimeDir() { // Codex forwards no XDG_RUNTIME_DIR
        ContainerHost host = resolver("/run/user/1000/podman/podman.sock").resolve(Map.of("PATH", "/usr/bin"));

        assertThat(host.endpoint()).isEqualTo("unix:///run/user/1000/podman/podman.sock");
        assertThat(host.source()).isEqualTo("default path");
    }

    @Test
    void acceptsTcpHostAndPortWithoutCheckingAndRejectsEverythingElse() {
        ContainerHostResolver resolver = resolver();

        assertThat(resolver.resolve(Map.of("DOCKER_HOST", "tcp://127.0.0.1:2375")).endpoint())
                .isEqualTo("tcp://127.0.0.1:2375");
        for (String bad : new String[] {"ssh://me@box", "tcp://", "tcp://box", "tcp://me@box:2375", "tcp://box:2375/x",
                "http://box:2375", "unix://relative.sock", "relative.sock", "npipe:////./pipe/docker_engine"}) {
            ContainerHost host = resolver.resolve(Map.of("DOCKER_HOST", bad));
            assertThat(host.found()).as(bad).isFalse();
            assertThat(host.tried().getFirst()).as(bad).contains("unsupported");
        }
    }

    @Test
    void whenNothingIsUsableReportsTheFirstCandidateAndEverythingTried() {
        ContainerHost host = resolver().resolve(Map.of());

        assertThat(host.found()).isFalse();
        assertThat(host.source()).isEqualTo("none found");
        assertThat(host.endpoint()).isEqualTo("unix:///var/run/docker.sock");
        assertThat(host.tried()).containsExactly("DOCKER_HOST (unset)", "MCPD_CONTAINER_HOST (unset)",
                "/var/run/docker.sock (no such socket)", "/run/user/1000/podman/podman.sock (no such socket)",
                "/run/podman/podman.sock (no such socket)");
        assertThat(new ContainerHostResolver(null, sockets()).resolve(Map.of()).tried())
                .contains("$XDG_RUNTIME_DIR/podman/podman.sock (XDG_RUNTIME_DIR unset)");
    }

    // --- what counts as a usable socket on the real file system (review finding 21) ------------------------------

    @Test
    void aRealSocketOfThisUserIsUsableAndARegularFileIsNot() throws Exception {
        long uid = ((Number) Files.getAttribute(dir, "unix:uid")).longValue();
        Path socket = dir.resolve("runtime.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            assertThat(ContainerHostResolver.socketProblem(socket, uid)).isNull();
        }
        Path file = Files.writeString(dir.resolve("file.sock"), "not a socket");
        assertThat(ContainerHostResolver.socketProblem(file, uid)).isEqualTo("not a socket");
        assertThat(ContainerHostResolver.socketProblem(dir.resolve("none.sock"), uid)).isEqualTo("no such socket");

        ContainerHost host = new ContainerHostResolver(null, p -> p.equals(file)
                ? ContainerHostResolver.socketProblem(p, uid) : "no such socket")
                .resolve(Map.of("DOCKER_HOST", "unix://" + file));
        assertThat(host.found()).isFalse();
        assertThat(host.tried().getFirst()).isEqualTo("DOCKER_HOST=unix://" + file + " (not a socket)");
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void aSocketOfAnotherUserIsNotUsed() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                ((Number) Files.getAttribute(dir, "unix:uid")).longValue() == 0, "only root can chown a socket");
        Path socket = dir.resolve("theirs.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            Files.setAttribute(socket, "unix:uid", 65534);
            assertThat(ContainerHostResolver.socketProblem(socket, 1000)).contains("uid 65534");
            assertThat(ContainerHostResolver.socketProblem(socket, 65534)).as("its owner may").isNull();
            Files.setAttribute(socket, "unix:uid", 0);
            assertThat(ContainerHostResolver.socketProblem(socket, 1000)).as("root's, like rootful podman's").isNull();
        }
    }
}
