package dev.mcpd.bootstrap.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpd.adapter.secondary.hyperd.HyperdBinaryLocator;
import dev.mcpd.domain.testing.TestTime;
import dev.mcpd.testing.McpdProcess;
import dev.mcpd.testing.McpdScope;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The hyperd engine end to end: real MCP clients (the npm MCP Inspector CLI, and mcpd's own line client)
 * drive {@code bin/mcpd serve --mcp}; the shared daemon supervises a real hyperd (B-B3, B-E1, B-M8).
 */
class HyperdE2eIT {

    private static final Path NODE = NodeClients.DIR;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SLOW_QUERY =
            "SELECT sum((a.a::BIGINT * b.b) % 7) FROM generate_series(1, 20000) a, generate_series(1, 200000) b";

    private McpdScope mcpd;
    private Path hyperd;

    @BeforeEach
    void harness() throws IOException {
        HyperdBinaryLocator.Located located = HyperdBinaryLocator.system();
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            assertThat(located.binary()).as("hyperd is required under CI: %s", located.whyMissing()).isPresent();
        }
        assumeTrue(located.binary().isPresent(), located.whyMissing());
        hyperd = located.binary().orElseThrow();
        mcpd = ItScope.create().env("MCPD_ENGINES", "hyperd").env("MCPD_HYPERD_PATH", hyperd.toString())
                .env("MCPD_DAEMON_IDLE_TIMEOUT", "60s");
    }

    @AfterEach
    void cleanUp() throws Exception {
        if (mcpd != null) {
            mcpd.close();
        }
    }


    private NodeClients.Run inspector(String... args) throws Exception {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("MCPD_STATE_DIR", mcpd.stateDir().toString());
        env.put("MCPD_ENGINES", "hyperd");
        env.put("MCPD_HYPERD_PATH", hyperd.toString());
        env.put("MCPD_DAEMON_IDLE_TIMEOUT", "60s");
        return NodeClients.run(NodeClients.inspector(env, List.of(args)), mcpd.environment());
    }

    @Test
    void aPersonLoadsACsvAndQueriesItFromAnMcpHostThroughTheSharedDaemon() throws Exception {
        assertThat(NODE.resolve("node_modules/.bin/mcp-inspector"))
                .as("the npm MCP clients are missing: run scripts/setup-node-clients.sh").exists();
        Path csv = mcpd.stateDir().resolve("sales.csv");
        Files.writeString(csv, "region,amount,day\nnorth,10.5,2024-01-01\nsouth,4,2024-01-02\nnorth,1.5,2024-01-03\n");
        NodeClients.Run load = inspector("--method", "tools/call", "--tool-name", "load_csv", "--tool-arg", "path=" + csv,
                "--tool-arg", "table=sales");
        assertThat(load.exitCode()).as(load.stderr()).isZero();
        JsonNode loaded = JSON.readTree(load.stdout());
        assertThat(loaded.path("isError").asBoolean()).as(load.stdout()).isFalse();
        assertThat(loaded.path("structuredContent").path("rows").asLong()).isEqualTo(3);
        long daemon = mcpd.recordedDaemonPid().orElseThrow();

        NodeClients.Run query = inspector("--method", "tools/call", "--tool-name", "query", "--tool-arg",
                "sql=SELECT region, sum(amount) AS total FROM sales GROUP BY region ORDER BY region");
        assertThat(query.exitCode()).as(query.stderr()).isZero();
        JsonNode result = JSON.readTree(query.stdout());
        assertThat(result.path("structuredContent").path("rows").toString()).isEqualTo("[[\"north\",12],[\"south\",4]]");
        assertThat(result.path("content").get(0).path("text").asText()).contains("north").contains("(2 rows)");
        assertThat(mcpd.recordedDaemonPid()).as("one shared daemon served both sessions").contains(daemon);

        NodeClients.Run error = inspector("--method", "tools/call", "--tool-name", "query", "--tool-arg", "sql=SELECT * FROM nope");
        JsonNode failed = JSON.readTree(error.stdout());
        assertThat(failed.path("isError").asBoolean()).isTrue();
        assertThat(failed.path("content").get(0).path("text").asText()).contains("SQL error 42P01");
    }

    @Test
    void oneStalledQueryBlocksNothingElseAndAFrozenHyperdFailsCallsByTheirDeadline() throws Exception {
        try (McpdProcess first = mcpd.serve(); McpdProcess second = mcpd.serve()) {
            first.lines().initialize(ItScope.CLIENT, ItScope.INITIALIZE);
            second.lines().initialize(ItScope.CLIENT, ItScope.INITIALIZE);
            // Both sessions on the one daemon: a proxy that could not reach it in time serves in-process with a hyperd
            // of its own (B-G4) and moves back later (B-G5); CI saw a "frozen" hyperd answer when one had
            await().atMost(TestTime.scaled(Duration.ofSeconds(30))).until(() -> {
                Long daemon = mcpd.recordedDaemonPid().orElse(null);
                return daemon != null && daemon == ((Number) first.lines().daemonStatus(ItScope.STATUS).get("pid")).longValue()
                        && daemon == ((Number) second.lines().daemonStatus(ItScope.STATUS).get("pid")).longValue();
            });
            Map<String, Object> status = structured(second.lines().callTool("hyperd_status", Map.of(), Duration.ofSeconds(30)));
            assertThat(status.get("state")).isEqualTo("not_started");
            assertThat(text(first.lines().callTool("execute", Map.of("sql", "CREATE TABLE t (a INT)"), Duration.ofSeconds(60))))
                    .contains("OK");

            // A stalled query on one session: the other session's queries and status answer at once (B-B3, B-M8).
            long slow = first.lines().request("tools/call", Map.of("name", "query", "arguments", Map.of("sql", SLOW_QUERY)));
            await().atMost(TestTime.scaled(Duration.ofSeconds(10))).until(() ->
                    ((Number) structured(second.lines().callTool("hyperd_status", Map.of(), Duration.ofSeconds(5)))
                            .get("connections_busy")).intValue() == 1);
            for (int i = 0; i < 3; i++) {
                long started = System.nanoTime();
                assertThat(text(second.lines().callTool("query", Map.of("sql", "SELECT 42 AS answer"), Duration.ofSeconds(10))))
                        .contains("42");
                assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(TestTime.scaled(Duration.ofSeconds(1)));
            }
            first.lines().request("notifications/cancelled", Map.of("requestId", slow, "reason", "test"));

            // A frozen hyperd: calls fail by their deadline; status answers at once.
            long pid = ((Number) structured(second.lines().callTool("hyperd_status", Map.of(), Duration.ofSeconds(5)))
                    .get("pid")).longValue();
            signal("STOP", pid);
            try {
                CompletableFuture<Map<String, Object>> frozenCall = CompletableFuture.supplyAsync(() -> {
                    try {
                        return first.lines().callTool("query", Map.of("sql", "SELECT 1"), Duration.ofSeconds(60));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                long started = System.nanoTime();
                Map<String, Object> frozenStatus = structured(second.lines().callTool("hyperd_status", Map.of(), Duration.ofSeconds(5)));
                assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(TestTime.scaled(Duration.ofMillis(500)));
                assertThat(((Number) frozenStatus.get("pid")).longValue()).isEqualTo(pid);
                assertThat(second.lines().daemonStatus(ItScope.STATUS).get("pid")).isNotNull();
                assertThat(frozenCall.isDone()).as(() -> "a call to the frozen hyperd was answered at once: "
                        + frozenCall.handle((r, e) -> e != null ? e.toString() : String.valueOf(r)).join()).isFalse();
            } finally {
                signal("CONT", pid);
            }
        }
    }

    @Test
    void aKilledHyperdIsRestartedAndDaemonShutdownLeavesNoHyperd() throws Exception {
        long pid;
        try (McpdProcess session = mcpd.serve()) {
            session.lines().initialize(ItScope.CLIENT, ItScope.INITIALIZE);
            assertThat(text(session.lines().callTool("query", Map.of("sql", "SELECT 1 AS one"), Duration.ofSeconds(60)))).contains("1");
            long killed = ((Number) structured(session.lines().callTool("hyperd_status", Map.of(), Duration.ofSeconds(5))).get("pid")).longValue();
            signal("KILL", killed);
            await().atMost(TestTime.scaled(Duration.ofSeconds(20))).untilAsserted(() -> {
                Map<String, Object> status = structured(session.lines().callTool("hyperd_status", Map.of(), Duration.ofSeconds(5)));
                assertThat(status.get("state")).isEqualTo("running");
                assertThat(((Number) status.get("pid")).longValue()).isNotEqualTo(killed);
            });
            await().atMost(TestTime.scaled(Duration.ofSeconds(10))).untilAsserted(() ->
                    assertThat(session.lines().callTool("query", Map.of("sql", "SELECT 2 AS two"), Duration.ofSeconds(10))
                            .get("isError")).isEqualTo(false));
            pid = ((Number) structured(session.lines().callTool("hyperd_status", Map.of(), Duration.ofSeconds(5))).get("pid")).longValue();
        }
        long daemon = mcpd.recordedDaemonPid().orElseThrow();
        assertThat(mcpd.run(Duration.ofSeconds(30), "daemon", "stop").exitCode()).isZero();
        ProcessHandle.of(daemon).ifPresent(handle -> handle.onExit().orTimeout(30, TimeUnit.SECONDS).join());
        long restarted = pid;
        await().atMost(TestTime.scaled(Duration.ofSeconds(2))).untilAsserted(() ->
                assertThat(ProcessHandle.of(restarted).map(ProcessHandle::isAlive).orElse(false))
                        .as("hyperd %d is gone after the daemon stopped (B-E1)", restarted).isFalse());
    }

    @Test
    void aProxyWithoutADaemonStartsItsOwnHyperdLazilyAndLeavesNoneBehind() throws Exception { // B-G4
        mcpd.env("MCPD_NO_DAEMON", "1");
        long pid;
        McpdProcess session = mcpd.serve();
        try (session) {
            session.lines().initialize(ItScope.CLIENT, ItScope.INITIALIZE);
            Map<String, Object> before = structured(session.lines().callTool("hyperd_status", Map.of(), Duration.ofSeconds(10)));
            assertThat(before.get("state")).as("no hyperd before the first SQL call").isNotEqualTo("running");
            assertThat(session.lines().callTool("execute", Map.of("sql", "CREATE TABLE solo (n INT)"), Duration.ofSeconds(60))
                    .get("isError")).isEqualTo(false);
            assertThat(session.lines().callTool("execute", Map.of("sql", "INSERT INTO solo VALUES (41), (1)"), Duration.ofSeconds(30))
                    .get("isError")).isEqualTo(false);
            assertThat(text(session.lines().callTool("query", Map.of("sql", "SELECT SUM(n) AS total FROM solo"),
                    Duration.ofSeconds(30)))).contains("42");
            Map<String, Object> status = structured(session.lines().callTool("hyperd_status", Map.of(), Duration.ofSeconds(10)));
            assertThat(status.get("state")).isEqualTo("running");
            pid = ((Number) status.get("pid")).longValue();
            assertThat(ProcessHandle.of(pid).flatMap(h -> h.parent()).map(ProcessHandle::pid))
                    .as("the proxy itself supervises this hyperd").contains(session.pid());
        }
        assertThat(mcpd.recordedDaemonPid()).as("no daemon was started").isEmpty();
        await().atMost(TestTime.scaled(Duration.ofSeconds(5))).untilAsserted(() ->
                assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                        .as("the proxy's hyperd %d is gone with the proxy", pid).isFalse());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> structured(Map<String, Object> result) {
        return (Map<String, Object>) result.get("structuredContent");
    }

    @SuppressWarnings("unchecked")
    private static String text(Map<String, Object> result) {
        List<Map<String, Object>> content = (List<Map<String, Object>>) result.get("content");
        return String.valueOf(content.getFirst().get("text"));
    }

    private static void signal(String signal, long pid) throws Exception {
        assertThat(new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start().waitFor()).isZero();
    }
}
