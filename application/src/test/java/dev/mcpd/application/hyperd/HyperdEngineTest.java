package dev.mcpd.application.hyperd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpd.domain.fake.InMemoryHyperdClient;
import dev.mcpd.domain.model.ClientId;
import dev.mcpd.domain.model.Tool;
import dev.mcpd.domain.model.ToolResult;
import dev.mcpd.domain.model.hyperd.QueryResult;
import dev.mcpd.domain.model.hyperd.SqlColumn;
import dev.mcpd.domain.port.CallContext;
import dev.mcpd.domain.testing.SimpleCallContext;
import dev.mcpd.domain.testing.TestTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link HyperdEngine} over the in-memory client (B-B3, B-M5, B-M6, B-M8). */
class HyperdEngineTest {

    private final Clock clock = Clock.systemUTC();
    private final InMemoryHyperdClient client = new InMemoryHyperdClient(clock);
    private final HyperdEngine engine = new HyperdEngine(client, HyperdEngineConfig.defaults(), clock);
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

    @AfterEach
    void stop() {
        threads.shutdownNow();
    }

    private ToolResult call(String tool, Map<String, Object> arguments) throws InterruptedException {
        return engine.call(tool, arguments, SimpleCallContext.forSeconds(30));
    }

    @Test
    void offersTheEightToolsOfIssue7WithSchemasAndAnnotations() {
        assertThat(engine.tools()).extracting(Tool::name).containsExactly("query", "execute", "list_tables",
                "describe_table", "attach_database", "detach_database", "load_csv", "hyperd_status");
        for (Tool tool : engine.tools()) {
            assertThat(tool.outputSchema()).as(tool.name()).isNotNull();
            assertThat(tool.inputSchema().get("additionalProperties")).isEqualTo(false);
        }
        assertThat(engine.tools().get(0).annotations().readOnlyHint()).isTrue();
        assertThat(engine.tools().get(1).annotations().destructiveHint()).isTrue();
    }

    @Test
    @SuppressWarnings("unchecked")
    void queryReturnsRowsAsStructuredContentAndATextTableTruncatedWithANote() throws Exception {
        List<List<Object>> rows = new ArrayList<>();
        for (long i = 1; i <= 5; i++) {
            rows.add(List.of(i, "name" + i));
        }
        client.answer("SELECT * FROM t", new QueryResult(List.of(new SqlColumn("id", "int8", null),
                new SqlColumn("name", "text", null)), rows, false));
        ToolResult result = call("query", Map.of("sql", "SELECT * FROM t", "max_rows", 3));
        assertThat(result.isError()).isFalse();
        assertThat(result.structuredContent()).containsEntry("row_count", 3).containsEntry("truncated", true);
        assertThat((List<Object>) result.structuredContent().get("rows")).containsExactly(List.<Object>of(1L, "name1"),
                List.<Object>of(2L, "name2"), List.<Object>of(3L, "name3"));
        assertThat(result.texts().getFirst()).contains(" id | name ").contains(" 3  | name3").contains("(3 rows)")
                .contains("note: truncated at 3 rows");
        assertThat(SchemaProblems.of(engine.tools().getFirst().outputSchema(), result.structuredContent())).isEmpty();
    }

    @Test
    void sqlErrorsAreIsErrorResultsWithTheSqlState() throws Exception {
        ToolResult result = call("query", Map.of("sql", "SELEC 1"));
        assertThat(result.isError()).isTrue();
        assertThat(result.texts().getFirst()).isEqualTo("query: SQL error 42601: syntax error near 'SELEC 1'");
    }

    @Test
    void badArgumentsAreIsErrorResultsNamingTheArgument() throws Exception {
        assertThat(call("query", Map.of()).texts().getFirst()).isEqualTo("query: argument 'sql' is required");
        assertThat(call("query", Map.of("sql", "SELECT 1", "max_rows", 0)).texts().getFirst())
                .contains("'max_rows' must be between 1 and 10000");
        assertThat(call("load_csv", Map.of("path", "/x.csv", "table", "t", "delimiter", ";;")).texts().getFirst())
                .contains("'delimiter' must be one character");
        assertThat(call("execute", Map.of("sql", "x", "extra", 1)).texts().getFirst()).contains("unknown argument 'extra'");
    }

    @Test
    void anUnavailableHyperdIsAnIsErrorResultSayingWhy() throws Exception {
        client.makeUnavailable("no hyperd executable found");
        ToolResult result = call("list_tables", Map.of());
        assertThat(result.isError()).isTrue();
        assertThat(result.texts().getFirst()).contains("hyperd is not available: no hyperd executable found");
        assertThat(engine.availability().isAvailable()).isFalse();
    }

    @Test
    void everyOperationNamesTheCallingClientSoThatConnectionsAreSharedFairly() throws Exception { // review finding 12
        ClientId seven = new ClientId(7);
        SimpleCallContext base = SimpleCallContext.forSeconds(30);
        CallContext fromSeven = new CallContext() {
            @Override
            public ClientId client() {
                return seven;
            }

            @Override
            public Map<String, String> environment() {
                return base.environment();
            }

            @Override
            public Instant deadline() {
                return base.deadline();
            }

            @Override
            public boolean isCancelled() {
                return base.isCancelled();
            }

            @Override
            public void onCancel(Runnable action) {
                base.onCancel(action);
            }

            @Override
            public void progress(double progress, Double total, String message) {
                base.progress(progress, total, message);
            }
        };
        engine.call("execute", Map.of("sql", "CREATE TABLE t (a INT)"), fromSeven);
        assertThat(client.lastCaller()).isEqualTo(seven);
        engine.call("list_tables", Map.of(), fromSeven);
        assertThat(client.lastCaller()).isEqualTo(seven);
        call("list_tables", Map.of());
        assertThat(client.lastCaller()).as("a proxy serving in-process has no client id").isNull();
    }

    @Test
    void theCallsDeadlineWinsWhenItIsEarlierThanTheStatementTimeout() throws Exception {
        Instant early = clock.instant().plusSeconds(2);
        engine.call("execute", Map.of("sql", "CREATE TABLE t (a INT)"), new SimpleCallContext(early, Map.of()));
        assertThat(client.lastDeadline()).isEqualTo(early);
        engine.call("execute", Map.of("sql", "DROP TABLE t"), SimpleCallContext.forSeconds(3600));
        assertThat(client.lastDeadline()).isBefore(clock.instant().plus(Duration.ofMinutes(5)).plusSeconds(1));
        assertThat(client.executed()).containsExactly("CREATE TABLE t (a INT)", "DROP TABLE t");
    }

    @Test
    void aStalledQueryDelaysNeitherStatusNorOtherCalls() throws Exception {
        CountDownLatch release = client.stall("SELECT slow");
        client.answer("SELECT slow", new QueryResult(List.of(new SqlColumn("a", "int4", null)), List.of(List.of(1L)), false));
        client.answer("SELECT 1", new QueryResult(List.of(new SqlColumn("a", "int4", null)), List.of(List.of(1L)), false));
        Future<ToolResult> stalled = threads.submit(() -> call("query", Map.of("sql", "SELECT slow")));
        long started = System.nanoTime();
        while (((Number) call("hyperd_status", Map.of()).structuredContent().get("connections_busy")).intValue() != 1) {
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(TestTime.scaled(Duration.ofSeconds(5)));
            Thread.sleep(5);
        }
        long quick = System.nanoTime();
        assertThat(call("query", Map.of("sql", "SELECT 1")).isError()).isFalse();
        assertThat(call("hyperd_status", Map.of()).texts().getFirst()).contains("1 busy");
        assertThat(Duration.ofNanos(System.nanoTime() - quick)).isLessThan(TestTime.scaled(Duration.ofMillis(200)));
        assertThat(stalled.isDone()).isFalse();
        release.countDown();
        assertThat(stalled.get(5, TimeUnit.SECONDS).isError()).isFalse();
    }

    @Test
    void aQueryPastItsDeadlineSaysItWasCancelled() throws Exception {
        client.stall("SELECT slow");
        ToolResult result = engine.call("query", Map.of("sql", "SELECT slow"),
                new SimpleCallContext(clock.instant().plusMillis(100), Map.of()));
        assertThat(result.isError()).isTrue();
        assertThat(result.texts().getFirst()).contains("the statement was cancelled");
    }

    @Test
    void tablesAttachmentsAndCsvLoadsHaveStructuredResults() throws Exception {
        client.table("people", new SqlColumn("id", "bigint", false), new SqlColumn("name", "text", true));
        ToolResult tables = call("list_tables", Map.of());
        assertThat(tables.structuredContent()).containsEntry("count", 1);
        assertThat(tables.texts().getFirst()).isEqualTo("main.public.people");
        ToolResult described = call("describe_table", Map.of("table", "people"));
        assertThat(described.texts().getFirst()).isEqualTo("table main.public.people\n  id bigint NOT NULL\n  name text");
        assertThat(call("describe_table", Map.of("table", "nope")).texts().getFirst())
                .isEqualTo("describe_table: no such table 'nope'; list_tables shows the tables there are");
        ToolResult attached = call("attach_database", Map.of("path", "/data/shop.hyper", "alias", "shop"));
        assertThat(attached.structuredContent()).containsEntry("alias", "shop").containsEntry("path", "/data/shop.hyper");
        assertThat(call("hyperd_status", Map.of()).texts().getFirst()).contains("database shop = /data/shop.hyper");
        assertThat(call("detach_database", Map.of("alias", "shop")).structuredContent()).containsEntry("result", "detached");
        assertThat(call("detach_database", Map.of("alias", "shop")).texts().getFirst()).contains("3D000");
        ToolResult loaded = call("load_csv", Map.of("path", "/data/new.csv", "table", "fresh"));
        assertThat(loaded.structuredContent()).containsEntry("created", true).containsEntry("rows", 2L);
        for (Tool tool : engine.tools()) {
            if (tool.name().equals("hyperd_status")) {
                assertThat(SchemaProblems.of(tool.outputSchema(), call("hyperd_status", Map.of()).structuredContent())).isEmpty();
            }
        }
    }
}
