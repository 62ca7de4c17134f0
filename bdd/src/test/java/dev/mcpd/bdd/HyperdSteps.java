package dev.mcpd.bdd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpd.domain.testing.TestTime;
import io.cucumber.datatable.DataTable;
import io.cucumber.java.After;
import io.cucumber.java.en.And;
import io.cucumber.java.en.Given;
import io.cucumber.java.en.Then;
import io.cucumber.java.en.When;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Steps of {@code hyperd_queries.feature}, in a person's words; they talk only to {@link HyperdWorld}. */
public class HyperdSteps {

    private static final String SLOW_QUERY =
            "SELECT sum((a.a::BIGINT * b.b) % 7) FROM generate_series(1, 20000) a, generate_series(1, 200000) b";

    private final HyperdWorld world = new HyperdWorld();
    private JsonNode answer;
    private Duration took;
    private long hyperdPid;

    @After("@hyperd")
    public void cleanUp() throws Exception {
        world.cleanUp();
    }

    @Given("a daemon with the hyperd engine")
    public void daemonWithHyperd() throws Exception {
        Optional<String> missing = world.start();
        assertThat(missing).as("a real hyperd is needed: run scripts/setup-hyperd.sh").isEmpty();
    }

    @Given("a CSV file {string} with")
    public void csvFile(String name, DataTable table) throws Exception {
        StringBuilder csv = new StringBuilder();
        for (List<String> row : table.asLists()) {
            csv.append(String.join(",", row)).append('\n');
        }
        Files.writeString(world.file(name), csv);
    }

    @When("one session loads {string} into the table {string}")
    public void load(String name, String table) throws Exception {
        JsonNode result = world.session().call("load_csv", Map.of("path", world.file(name).toString(), "table", table))
                .get(60, TimeUnit.SECONDS);
        assertThat(result.path("isError").asBoolean()).as(result.toString()).isFalse();
    }

    @When("another session asks {string}")
    @When("a session asks {string}")
    @Given("a session has asked {string}")
    public void ask(String sql) throws Exception {
        long started = System.nanoTime();
        answer = world.session().call("query", Map.of("sql", sql)).get(60, TimeUnit.SECONDS);
        took = HyperdWorld.since(started);
    }

    @Then("the answer has the rows")
    public void answerRows(DataTable expected) {
        assertThat(answer.path("isError").asBoolean()).as(answer.toString()).isFalse();
        List<List<String>> rows = new ArrayList<>();
        answer.path("structuredContent").path("rows").forEach(row -> {
            List<String> cells = new ArrayList<>();
            row.forEach(cell -> cells.add(cell.asText()));
            rows.add(cells);
        });
        assertThat(rows).isEqualTo(expected.asLists());
    }

    @Then("the answer is an error that says {string}")
    public void answerError(String text) {
        assertThat(answer.path("isError").asBoolean()).isTrue();
        assertThat(answer.path("content").get(0).path("text").asText()).contains(text);
    }

    @Given("one session runs a query that takes many seconds")
    public void stalledQuery() throws Exception {
        HyperdWorld.Session status = world.session();
        CompletableFuture<JsonNode> stalled = world.session().call("query", Map.of("sql", SLOW_QUERY));
        await().atMost(TestTime.scaled(Duration.ofSeconds(20))).until(() -> busy(status) == 1);
        assertThat(stalled).isNotDone();
    }

    @Then("the answer comes within {int} second(s)")
    public void answerWithin(int seconds) {
        assertThat(answer.path("isError").asBoolean()).as(answer.toString()).isFalse();
        assertThat(took).isLessThan(TestTime.scaled(Duration.ofSeconds(seconds)));
    }

    @And("the server status shows {int} busy connection(s), answered within {int} second(s)")
    public void statusShowsBusy(int busy, int seconds) throws Exception {
        HyperdWorld.Session session = world.session();
        long started = System.nanoTime();
        assertThat(busy(session)).isEqualTo(busy);
        assertThat(HyperdWorld.since(started)).isLessThan(TestTime.scaled(Duration.ofSeconds(seconds)));
    }

    @When("the daemon is stopped")
    public void stopDaemon() throws Exception {
        hyperdPid = world.session().call("hyperd_status", Map.of()).get(30, TimeUnit.SECONDS)
                .path("structuredContent").path("pid").asLong();
        assertThat(hyperdPid).isPositive();
        world.stopDaemon();
    }

    @Then("no hyperd of that daemon is running {int} seconds later")
    public void noHyperdLeft(int seconds) {
        await().atMost(TestTime.scaled(Duration.ofSeconds(seconds))).untilAsserted(() ->
                assertThat(ProcessHandle.of(hyperdPid).map(ProcessHandle::isAlive).orElse(false)).isFalse());
    }

    private static int busy(HyperdWorld.Session session) throws Exception {
        return session.call("hyperd_status", Map.of()).get(30, TimeUnit.SECONDS)
                .path("structuredContent").path("connections_busy").asInt();
    }
}
