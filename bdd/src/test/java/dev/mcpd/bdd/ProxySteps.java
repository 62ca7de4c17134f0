package dev.mcpd.bdd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mcpd.application.mcp.Json;
import dev.mcpd.domain.model.DaemonRecord;
import dev.mcpd.testing.McpdProcess;
import io.cucumber.java.After;
import io.cucumber.java.Scenario;
import io.cucumber.java.en.And;
import io.cucumber.java.en.Given;
import io.cucumber.java.en.Then;
import io.cucumber.java.en.When;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Steps of {@code cold_start.feature}, {@code host_exit.feature} and {@code proxy_survives_daemon_restart.feature},
 * in a host's words; they talk only to {@link ProxyWorld}.
 */
public class ProxySteps {

    private final ProxyWorld world = new ProxyWorld();
    private List<McpdProcess> together = List.of();
    private McpdProcess proxy;
    private McpdProcess host;
    private long hostsProxy;
    private Process standIn;
    private long oldDaemon;
    private long inFlight;

    @After("@proxy")
    public void cleanUp(Scenario scenario) throws Exception {
        if (scenario.isFailed()) {
            world.keepLogs(scenario.getName());
        }
        world.cleanUp();
    }

    @Given("a scope where no daemon runs")
    public void freshScope() throws Exception {
        world.start();
    }

    @Given("the proxy watchdog checks every {int} ms")
    public void watchdogPeriod(int millis) {
        world.set("MCPD_PPID_POLL", millis + "ms");
    }

    @Given("the proxy startup window is {int} second(s)")
    public void startupWindow(int seconds) {
        world.set("MCPD_STARTUP_TIMEOUT", seconds + "s");
    }

    // ---- cold start (B-S) ----

    @When("{int} proxies start at the same instant")
    public void proxiesStartTogether(int n) throws Exception {
        together = world.startProxiesTogether(n);
        for (McpdProcess p : together) {
            p.lines().request(1, "initialize", Json.object("protocolVersion", "2025-06-18", "capabilities", Map.of(),
                    "clientInfo", Json.object("name", "bdd", "version", "1")));
        }
    }

    @Then("within {int} seconds every proxy is served by the same daemon")
    public void allOnOneDaemon(int seconds) throws Exception {
        Duration within = Duration.ofSeconds(seconds);
        for (McpdProcess p : together) {
            assertThat(p.lines().response(1, within)).as("proxy %d initialized", p.pid()).isPresent();
        }
        List<Long> served = new ArrayList<>();
        for (McpdProcess p : together) {
            served.add(((Number) status(p, within).get("pid")).longValue());
        }
        assertThat(served).as("the daemon pid each proxy's daemon_status reports").hasSize(together.size())
                .containsOnly(served.getFirst());
        assertThat(together.stream().map(McpdProcess::pid).toList()).as("no proxy serves itself")
                .doesNotContain(served.getFirst());
        oldDaemon = served.getFirst();
    }

    @And("exactly one daemon process runs in the scope")
    public void exactlyOneDaemon() {
        assertThat(world.daemonProcesses()).containsExactly(oldDaemon);
    }

    /**
     * B-S4 "every time": each round starts {@code n} proxies together in a scope of its own where no daemon runs
     * (the Background's scope for the first round) and checks they converge on exactly one daemon.
     */
    @Then("{int} proxies started at the same instant are all served by one daemon within {int} seconds, {int} times in a row")
    public void convergeRepeatedly(int n, int seconds, int rounds) throws Exception {
        for (int round = 1; round <= rounds; round++) {
            if (round > 1) {
                world.cleanUp();
                world.start();
            }
            try {
                proxiesStartTogether(n);
                allOnOneDaemon(seconds);
                exactlyOneDaemon();
            } catch (AssertionError e) {
                throw new AssertionError("round " + round + " of " + rounds + ": " + e.getMessage(), e);
            }
        }
    }

    @Given("a daemon was started and then killed with SIGKILL, leaving its record and socket behind")
    public void staleDaemon() throws Exception {
        assertThat(world.mcpd("daemon", "start")).isZero();
        DaemonRecord record = world.record().orElseThrow();
        oldDaemon = record.pid().value();
        ProxyWorld.kill(oldDaemon, "KILL");
        ProcessHandle.of(oldDaemon).ifPresent(h -> h.onExit().join());
        assertThat(world.record()).as("the dead daemon's record").isPresent();
        assertThat(Files.exists(world.stateDir().resolve("daemon.sock"))).as("the dead daemon's socket").isTrue();
    }

    @When("a proxy starts")
    public void aProxyStarts() throws Exception {
        proxy = world.startProxy();
    }

    @Then("within {int} seconds the proxy is served by a new daemon")
    public void servedByNewDaemon(int seconds) throws Exception {
        initialize(proxy);
        long pid = ((Number) status(proxy, Duration.ofSeconds(seconds)).get("pid")).longValue();
        assertThat(pid).isNotEqualTo(oldDaemon).isNotEqualTo(proxy.pid());
        assertThat(world.daemonProcesses()).containsExactly(pid);
        oldDaemon = pid;
    }

    @And("the record names the new daemon")
    public void recordNamesNewDaemon() {
        assertThat(world.record().map(r -> r.pid().value())).contains(oldDaemon);
    }

    @Given("a daemon of version {string} answers on the scope's socket")
    public void fakeDaemon(String version) throws Exception {
        world.startFakeDaemon(version);
    }

    @Then("the proxy answers a ping within {int} seconds")
    public void answersPing(int seconds) throws Exception {
        long id = proxy.lines().request("ping", null);
        assertThat(proxy.lines().response(id, Duration.ofSeconds(seconds))).isPresent()
                .get().satisfies(r -> assertThat(r).containsKey("result"));
    }

    @And("the proxy said once on stderr that the daemon is version {string} and it serves in-process")
    public void saidOnStderr(String version) throws Exception {
        List<String> lines = proxy.stderr().lines().toList();
        assertThat(lines).hasSize(1);
        assertThat(lines.getFirst()).contains(version).contains("in-process");
    }

    @And("the daemon of version {string} received none of the session's messages")
    public void fakeGotNothing(String version) {
        assertThat(world.fake().connections.get()).as("the proxy did connect and read its hello").isPositive();
        assertThat(world.fake().sessionMessages()).isEmpty();
    }

    @And("the daemon of version {string} was asked to stop, as it served no other session")
    public void fakeAskedToStop(String version) throws Exception {
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                .untilAsserted(() -> assertThat(world.fake().stopReason()).contains("replaced by mcpd version"));
    }

    // ---- host exit (B-G1, B-G2) ----

    @Given("a host that started a proxy which has answered it")
    public void hostWithProxy() throws Exception {
        host = world.startHostWithProxy();
        long id = host.lines().request("ping", null);
        assertThat(host.lines().response(id, Duration.ofSeconds(60))).isPresent();
        hostsProxy = ProxyWorld.announcedPid(host, Duration.ofSeconds(5));
        assertThat(hostsProxy).as("the host printed its proxy's pid").isPositive();
        assertThat(ProcessHandle.of(hostsProxy).flatMap(ProcessHandle::parent).map(ProcessHandle::pid))
                .as("the proxy is the host's child").contains(host.pid());
    }

    @When("the host is killed with SIGKILL")
    public void killHost() throws Exception {
        ProxyWorld.kill(host.pid(), "KILL");
        host.process().waitFor();
    }

    @Then("the proxy exits within {int} seconds")
    public void proxyExits(int seconds) throws Exception {
        long pid = host != null ? hostsProxy : proxy.pid();
        await().atMost(Duration.ofSeconds(seconds)).pollInterval(Duration.ofMillis(20)).untilAsserted(() ->
                assertThat(ProxyWorld.isRunning(pid)).as("proxy pid %d still runs %d s after its host went, its stdin"
                        + " still open", pid, seconds).isFalse());
    }

    @Given("a proxy whose host is named by MCPD_HOST_PID and which has answered it")
    public void proxyWithNamedHost() throws Exception {
        standIn = world.startStandIn();
        world.set("MCPD_HOST_PID", Long.toString(standIn.pid()));
        proxy = world.startProxy();
        long id = proxy.lines().request("ping", null);
        assertThat(proxy.lines().response(id, Duration.ofSeconds(60))).isPresent();
    }

    @When("the named host is killed with SIGKILL")
    public void killNamedHost() throws Exception {
        ProxyWorld.kill(standIn.pid(), "KILL");
        standIn.waitFor();
    }

    @When("a proxy starts and its host sends nothing")
    public void silentHost() throws Exception {
        proxy = world.startProxy();
    }

    @Then("the proxy exits with status {int} within {int} seconds")
    public void exitsWithStatus(int status, int seconds) throws Exception {
        assertThat(proxy.awaitExit(Duration.ofSeconds(seconds))).as("the proxy ended").isTrue();
        assertThat(proxy.process().exitValue()).isEqualTo(status);
    }

    // ---- daemon restart (B-G3, B-G4, B-G5) ----

    @Given("a proxy whose session is served by the daemon")
    public void proxyOnDaemon() throws Exception {
        proxy = world.startProxy();
        initialize(proxy);
        Map<String, Object> status = status(proxy, Duration.ofSeconds(60));
        oldDaemon = ((Number) status.get("pid")).longValue();
        assertThat(oldDaemon).as("served by a daemon, not in-process").isNotEqualTo(proxy.pid());
    }

    @And("a call to a read-only tool that takes {int} seconds is in flight")
    public void readOnlyInFlight(int seconds) throws Exception {
        inFlight = callTool("diag_sleep", Json.object("millis", seconds * 1000));
        awaitTheCallAtTheDaemon();
    }

    @And("a call to a tool that changes state and takes {int} seconds is in flight")
    public void writeInFlight(int seconds) throws Exception {
        inFlight = callTool("diag_write", Json.object("millis", seconds * 1000));
        awaitTheCallAtTheDaemon();
    }

    /** Until the daemon's status counts the call in flight for this proxy's client: it has reached the daemon. */
    private void awaitTheCallAtTheDaemon() {
        await().atMost(Duration.ofSeconds(10))
                .until(() -> world.scope().inFlightCalls(proxy.pid(), Duration.ofSeconds(5)) >= 1);
    }

    @When("the daemon is killed with {word}")
    public void killDaemon(String signal) throws Exception {
        ProxyWorld.kill(oldDaemon, signal.replace("SIG", ""));
    }

    @Then("the call in flight is answered within {int} seconds")
    public void inFlightAnswered(int seconds) throws Exception {
        assertThat(proxy.lines().response(inFlight, Duration.ofSeconds(seconds))).as("the in-flight call's answer").isPresent();
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(1))
                .untilAsserted(() -> assertThat(proxy.lines().responseCount(inFlight)).as("answered exactly once").isEqualTo(1));
    }

    @Then("the call in flight is answered within {int} seconds with an error saying it may have run")
    public void inFlightAnsweredWithError(int seconds) throws Exception {
        Map<String, Object> answer = proxy.lines().response(inFlight, Duration.ofSeconds(seconds)).orElseThrow();
        assertThat(answer).containsKey("error");
        assertThat(Json.asString(Json.asObject(answer.get("error")).get("message"))).contains("may have run");
    }

    @And("the next call succeeds within {int} seconds")
    public void nextCallSucceeds(int seconds) throws Exception {
        long id = callTool("diag_echo", Json.object("text", "still here"));
        Map<String, Object> answer = proxy.lines().response(id, Duration.ofSeconds(seconds)).orElseThrow();
        assertThat(answer).containsKey("result");
        assertThat(Json.asObject(answer.get("result"))).containsEntry("isError", false);
    }

    @And("within {int} seconds the session is served by a new daemon whose status lists this proxy")
    public void backOnADaemon(int seconds) throws Exception {
        AtomicReference<Map<String, Object>> last = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(seconds)).pollInterval(Duration.ofMillis(200)).until(() -> {
            last.set(status(proxy, Duration.ofSeconds(5)));
            long pid = ((Number) last.get().get("pid")).longValue();
            return pid != proxy.pid() && pid != oldDaemon;
        });
        Map<String, Object> status = last.get();
        assertThat(status).isNotNull();
        long pid = ((Number) status.get("pid")).longValue();
        assertThat(pid).as("daemon_status comes from a new daemon").isNotEqualTo(proxy.pid()).isNotEqualTo(oldDaemon);
        List<Object> clients = Json.asArray(status.get("clients"));
        assertThat(clients).as("the new daemon lists this proxy").anySatisfy(c ->
                assertThat(Objects.equals(((Number) Json.asObject(c).get("proxyPid")).longValue(), proxy.pid())).isTrue());
    }

    // ---- helpers ----

    /** Initializes the MCP session, as a host does first. */
    private static void initialize(McpdProcess p) throws Exception {
        p.lines().initialize("bdd", Duration.ofSeconds(60));
    }

    /** {@code daemon_status} through {@code p}: who serves the session. */
    private static Map<String, Object> status(McpdProcess p, Duration within) throws Exception {
        return p.lines().daemonStatus(within);
    }

    /** Sends a {@code tools/call} through the proxy without waiting; its id. */
    private long callTool(String tool, Map<String, Object> arguments) throws Exception {
        return proxy.lines().request("tools/call", Json.object("name", tool, "arguments", arguments));
    }
}
