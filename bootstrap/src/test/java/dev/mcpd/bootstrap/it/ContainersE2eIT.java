package dev.mcpd.bootstrap.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpd.domain.testing.TestTime;
import dev.mcpd.testing.McpdScope;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Containers managed for real: the MCP Inspector CLI runs, lists, stops and removes a container through
 * {@code bin/mcpd serve --mcp} → the shared daemon → the Podman service that {@code scripts/setup-podman.sh} starts;
 * {@code mcpd containers} shows and manages it from the command line. Every container carries the label
 * {@code dev.mcpd.test=1} and is removed afterwards.
 */
class ContainersE2eIT {

    private static final String SOCKET = System.getenv().getOrDefault("MCPD_TEST_PODMAN_SOCK", "/run/mcpd-test/podman.sock");
    private static final String IMAGE = "localhost/mcpd-busybox:latest";
    private static final ObjectMapper JSON = new ObjectMapper();

    private McpdScope mcpd;
    private final String name = "mcpd-e2e-" + UUID.randomUUID().toString().substring(0, 8);

    @BeforeAll
    static void runtimeIsThere() {
        assertThat(Path.of(SOCKET)).as("no Podman service: run scripts/setup-podman.sh (it starts one on " + SOCKET + ")")
                .exists();
    }

    @BeforeEach
    void harness() throws IOException {
        mcpd = ItScope.create().env("MCPD_ENGINES", "containers").env("MCPD_CONTAINER_HOST", "unix://" + SOCKET);
    }

    @AfterEach
    void cleanUp() throws Exception {
        mcpd.run(Duration.ofSeconds(30), "containers", "rm", "-f", name);
        mcpd.close();
    }


    private NodeClients.Run inspector(String... args) throws Exception {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("MCPD_STATE_DIR", mcpd.stateDir().toString());
        env.put("MCPD_ENGINES", "containers");
        env.put("MCPD_DAEMON_IDLE_TIMEOUT", "60s");
        env.put("DOCKER_HOST", "unix://" + SOCKET);
        return NodeClients.run(NodeClients.inspector(env, List.of(args)), mcpd.environment());
    }

    @Test
    void anMcpHostRunsListsStopsAndRemovesARealContainer() throws Exception { // B-B1, B-B2, B-M6, B-G6
        NodeClients.Run run = inspector("--method", "tools/call", "--tool-name", "run_container",
                "--tool-arg", "image=" + IMAGE, "name=" + name, "init=true", "network=none",
                "labels={\"dev.mcpd.test\":\"1\"}",
                "command=[\"sh\",\"-c\",\"trap 'exit 0' TERM; echo ready; while true; do sleep 0.1; done\"]");
        assertThat(run.exitCode()).as(run.stdout() + run.stderr()).isZero();

        NodeClients.Run list = inspector("--method", "tools/call", "--tool-name", "list_containers",
                "--tool-arg", "labels={\"dev.mcpd.test\":\"1\"}");
        assertThat(list.exitCode()).as(list.stderr()).isZero();
        JsonNode containers = JSON.readTree(list.stdout()).path("structuredContent").path("containers");
        List<String> names = new ArrayList<>();
        containers.forEach(c -> names.add(c.path("name").asText()));
        assertThat(names).contains(name);

        McpdScope.Result ls = mcpd.run(Duration.ofSeconds(30), "containers", "ls");
        assertThat(ls.exitCode()).isZero();
        assertThat(ls.stdout()).contains("CONTAINER ID").contains(name);

        McpdScope.Result logs = mcpd.run(Duration.ofSeconds(30), "containers", "logs", name);
        assertThat(logs.stdout()).contains("ready");

        long begun = System.nanoTime();
        NodeClients.Run stop = inspector("--method", "tools/call", "--tool-name", "stop_container", "--tool-arg", "container=" + name,
                "timeout_seconds=30");
        assertThat(stop.exitCode()).as(stop.stderr()).isZero();
        assertThat(JSON.readTree(stop.stdout()).path("isError").asBoolean()).isFalse();
        // A trapping container stops at SIGTERM, long before its 30 s timeout (B-B2); the rest is node and JVM start-up,
        // with room for a loaded machine.
        assertThat(Duration.ofNanos(System.nanoTime() - begun)).isLessThan(TestTime.scaled(Duration.ofSeconds(15)));

        McpdScope.Result again = mcpd.run(Duration.ofSeconds(30), "containers", "stop", name);
        assertThat(again.exitCode()).isZero();
        assertThat(again.stdout()).contains("already stopped");

        NodeClients.Run remove = inspector("--method", "tools/call", "--tool-name", "remove_container", "--tool-arg", "container=" + name);
        assertThat(remove.exitCode()).as(remove.stderr()).isZero();
        McpdScope.Result gone = mcpd.run(Duration.ofSeconds(30), "containers", "stop", name);
        assertThat(gone.exitCode()).isEqualTo(1);
        assertThat(gone.stderr()).contains("no such container");
    }

    @Test
    void aRuntimeThatIsDownIsAClearErrorNotAHang() throws Exception { // B-B1
        mcpd.env("MCPD_CONTAINER_HOST", "unix:///tmp/mcpd-no-such-runtime.sock");
        long begun = System.nanoTime();
        McpdScope.Result ls = mcpd.run(Duration.ofSeconds(30), "containers", "ls");
        assertThat(ls.exitCode()).isEqualTo(1);
        assertThat(ls.stderr()).contains("/tmp/mcpd-no-such-runtime.sock");
        assertThat(Duration.ofNanos(System.nanoTime() - begun)).isLessThan(TestTime.scaled(Duration.ofSeconds(10)));
    }
}
