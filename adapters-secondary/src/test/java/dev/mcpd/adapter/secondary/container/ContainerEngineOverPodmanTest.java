package dev.mcpd.adapter.secondary.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import dev.mcpd.application.containers.ContainerEngine;
import dev.mcpd.application.containers.ContainerEngineConfig;
import dev.mcpd.application.containers.ContainerEngineFactory;
import dev.mcpd.domain.model.ToolResult;
import dev.mcpd.domain.model.container.ContainerFilter;
import dev.mcpd.domain.model.container.ContainerSummary;
import dev.mcpd.domain.testing.SimpleCallContext;
import dev.mcpd.domain.testing.TestTime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The containers engine on the real adapter and Podman, as the daemon wires them: the runtime is chosen per call
 * from the forwarded {@code DOCKER_HOST} (B-G6). Same socket and skip rules as {@link DockerApiContainerRuntimeTest}.
 */
class ContainerEngineOverPodmanTest {

    static {
        for (String noisy : List.of("org.apache.hc", "com.github.dockerjava")) {
            ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(noisy)).setLevel(ch.qos.logback.classic.Level.INFO);
        }
    }

    private static final String SOCKET = System.getenv().getOrDefault("MCPD_TEST_PODMAN_SOCK",
            DockerApiContainerRuntimeTest.DEFAULT_SOCKET);

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final Map<String, String> hello = Map.of("DOCKER_HOST", "unix://" + SOCKET);
    private DockerApiContainerRuntimeProvider provider;
    private ContainerEngine engine;

    @TempDir
    Path temp;

    @BeforeEach
    void wire() {
        if (!Files.exists(Path.of(SOCKET))) {
            String message = "no Podman service socket at " + SOCKET + ": run `sudo scripts/setup-podman.sh`";
            if ("1".equals(System.getenv("MCPD_TEST_SKIP_PODMAN"))) {
                Assumptions.abort(message + "; skipped because MCPD_TEST_SKIP_PODMAN=1");
            }
            fail(message + ", or set MCPD_TEST_SKIP_PODMAN=1 to skip these tests");
        }
        provider = new DockerApiContainerRuntimeProvider(ContainerHostResolver.system(),
                DockerApiContainerRuntimeConfig.defaults());
        engine = (ContainerEngine) new ContainerEngineFactory(provider, ContainerEngineConfig.defaults(),
                Clock.systemUTC()).create();
    }

    @AfterEach
    void cleanUpByLabel() throws Exception {
        if (provider == null) {
            return;
        }
        try {
            var runtime = provider.apply(hello);
            Instant deadline = Instant.now().plusSeconds(30);
            for (ContainerSummary left : runtime.listContainers(
                    new ContainerFilter(true, List.of()).withLabel("dev.mcpd.test.run", run), deadline)) {
                runtime.removeContainer(left.id(), true, deadline);
            }
        } finally {
            engine.close();
            provider.close();
        }
    }

    private ToolResult call(String tool, Map<String, Object> arguments, Map<String, String> env) throws Exception {
        return engine.call(tool, arguments, new SimpleCallContext(Instant.now().plusSeconds(60), env));
    }

    @Test
    void runsListsReadsStopsAndRemovesARealContainer() throws Exception {
        String name = "mcpd-engine-" + run;
        ToolResult ran = call("run_container", Map.of(
                "image", DockerApiContainerRuntimeTest.IMAGE,
                "name", name,
                "command", List.of("sh", "-c", "trap 'exit 0' TERM; echo engine says hi; while :; do sleep 0.1; done"),
                "labels", Map.of("dev.mcpd.test", "1", "dev.mcpd.test.run", run),
                "network", "none"), hello);
        assertThat(ran.isError()).as(String.join("\n", ran.texts())).isFalse();
        assertThat(ran.structuredContent()).containsEntry("name", name).containsEntry("state", "running");

        ToolResult listed = call("list_containers", Map.of("labels", Map.of("dev.mcpd.test.run", run)), hello);
        assertThat(listed.structuredContent()).containsEntry("count", 1);
        assertThat(listed.texts().getFirst()).startsWith("CONTAINER ID").contains(name, "Up");

        Awaitility.await().atMost(TestTime.scaled(Duration.ofSeconds(10))).untilAsserted(() ->
                assertThat(call("container_logs", Map.of("container", name), hello).texts().getFirst())
                        .isEqualTo("engine says hi"));

        long start = System.nanoTime();
        // A 30 s stop timeout, so that a loaded machine's slow stop is still told from a stop at the timeout.
        ToolResult stopped = call("stop_container", Map.of("container", name, "timeout_seconds", 30), hello);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        LoggerFactory.getLogger(getClass()).info("stop_container through the engine took {} ms", took.toMillis());
        assertThat(stopped.structuredContent()).containsEntry("result", "stopped");
        assertThat(took).isLessThan(TestTime.millis(5000));
        assertThat(call("stop_container", Map.of("container", name), hello).structuredContent())
                .containsEntry("result", "already_stopped");

        assertThat(call("remove_container", Map.of("container", name), hello).isError()).isFalse();
        ToolResult gone = call("inspect_container", Map.of("container", name), hello);
        assertThat(gone.isError()).isTrue();
        assertThat(gone.texts().getFirst()).startsWith("no such container '" + name + "'");
    }

    @Test
    void aForwardedDockerHostWithNoRuntimeIsAClearErrorWithinTwoSeconds() throws Exception {
        String dead = "unix://" + temp.resolve("podman.sock");
        Files.createFile(temp.resolve("podman.sock"));

        long start = System.nanoTime();
        ToolResult result = call("list_containers", Map.of(), Map.of("DOCKER_HOST", dead));
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(result.isError()).isTrue();
        assertThat(result.texts().getFirst()).startsWith("container runtime not reachable at " + dead)
                .contains("is podman or docker running?");
        assertThat(took).isLessThan(TestTime.millis(2000));
    }
}
