package dev.mcpd.bootstrap.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpd.testing.McpdScope;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Real MCP clients from the npm registry (the MCP Inspector CLI and the official TypeScript SDK, installed by
 * {@code scripts/setup-node-clients.sh}) drive {@code bin/mcpd serve --mcp}, started with the minimal environment
 * hosts give MCP servers.
 */
class McpClientsE2eIT {

    private static final Path NODE = NodeClients.DIR;
    private static final ObjectMapper JSON = new ObjectMapper();

    private McpdScope mcpd;

    @BeforeAll
    static void clientsInstalled() {
        assertThat(NODE.resolve("node_modules/.bin/mcp-inspector"))
                .as("the npm MCP clients are missing: run scripts/setup-node-clients.sh").exists();
    }

    @BeforeEach
    void harness() throws IOException {
        mcpd = ItScope.create();
    }

    @AfterEach
    void cleanUp() throws Exception {
        mcpd.close();
    }



    private NodeClients.Run node(List<String> command) throws Exception {
        return NodeClients.run(command, mcpd.environment());
    }

    /** The inspector against `bin/mcpd serve --mcp`; state dir and engines go explicitly (B-G6). */
    private List<String> inspector(String... args) {
        return NodeClients.inspector(Map.of("MCPD_STATE_DIR", mcpd.stateDir().toString(), "MCPD_ENGINES", "diagnostics",
                "MCPD_DAEMON_IDLE_TIMEOUT", "60s"), List.of(args));
    }

    @Test
    void theInspectorCliListsTheTools() throws Exception { // B-M5
        NodeClients.Run run = node(inspector("--method", "tools/list"));
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        JsonNode tools = JSON.readTree(run.stdout()).path("tools");
        List<String> names = new ArrayList<>();
        tools.forEach(t -> names.add(t.path("name").asText()));
        assertThat(names).contains("daemon_status", "daemon_stop", "diag_echo", "diag_sleep");
        tools.forEach(t -> assertThat(t.path("inputSchema").path("type").asText()).isEqualTo("object"));
    }

    @Test
    void theInspectorCliCallsDaemonStatusThroughTheSharedDaemon() throws Exception { // B-M6, B-S3
        NodeClients.Run first = node(inspector("--method", "tools/call", "--tool-name", "daemon_status"));
        assertThat(first.exitCode()).as(first.stderr()).isZero();
        JsonNode result = JSON.readTree(first.stdout());
        assertThat(result.path("isError").asBoolean()).isFalse();
        long pid = result.path("structuredContent").path("pid").asLong();
        assertThat(pid).isEqualTo(mcpd.recordedDaemonPid().orElseThrow());
        NodeClients.Run second = node(inspector("--method", "tools/call", "--tool-name", "diag_echo", "--tool-arg", "text=hello"));
        assertThat(second.exitCode()).as(second.stderr()).isZero();
        assertThat(JSON.readTree(second.stdout()).path("structuredContent").path("text").asText()).isEqualTo("hello");
        assertThat(mcpd.recordedDaemonPid()).contains(pid);
    }

    @Test
    void theInspectorCliExitsNonZeroForAnUnknownTool() throws Exception { // B-M6
        NodeClients.Run run = node(inspector("--method", "tools/call", "--tool-name", "no_such_tool"));
        assertThat(run.exitCode()).isNotZero();
    }

    @Test
    void theSdkClientListsCallsPingsIsRefusedUnknownMethodsAndCancels() throws Exception { // B-M2, B-M3, B-M7
        NodeClients.Run run = node(List.of("node", "sdk-client.mjs", McpdScope.repositoryRoot().resolve("bin/mcpd").toString(), "serve", "--mcp"));
        JsonNode steps = JSON.readTree(run.stdout()).path("steps");
        assertThat(run.exitCode()).as(run.stdout() + run.stderr()).isZero();
        assertThat(steps.path("listTools").path("tools").toString()).contains("daemon_status");
        assertThat(steps.path("callDaemonStatus").path("pid").asLong()).isEqualTo(mcpd.recordedDaemonPid().orElseThrow());
        assertThat(steps.path("ping").path("ok").asBoolean()).isTrue();
        assertThat(steps.path("unknownMethod").path("code").asInt()).isEqualTo(-32601);
        assertThat(steps.path("progress").path("notifications").asInt()).isPositive();
        assertThat(steps.path("progress").path("monotonic").asBoolean()).isTrue();
        assertThat(steps.path("cancellation").path("aborted").asBoolean()).isTrue();
        assertThat(steps.path("cancellation").path("abortMs").asLong()).isLessThan(5_000);
        assertThat(steps.path("cancellation").path("afterText").asText()).isEqualTo("still here");
        // The SDK's proxy went away with its session: only the status command's own connection is left (B-L1).
        Map<?, ?> status = JSON.readValue(mcpd.run(Duration.ofSeconds(30), "daemon", "status", "--json").stdout(), Map.class);
        assertThat((List<?>) status.get("clients")).hasSize(1);
    }
}
