package dev.mcpd.bdd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpd.application.mcp.Json;
import dev.mcpd.domain.model.DaemonRecord;
import io.cucumber.java.After;
import io.cucumber.java.en.And;
import io.cucumber.java.en.Given;
import io.cucumber.java.en.Then;
import io.cucumber.java.en.When;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Steps of {@code cold_start.feature}, {@code host_exit.feature} and {@code proxy_survives_daemon_restart.feature},
 * in a host's words; they talk only to {@link ProxyWorld}.
 */
public class ProxySteps {

    private final ProxyWorld world = new ProxyWorld();
    private List<ProxyWorld.Proxy> together = List.of();
    private ProxyWorld.Proxy proxy;
    private ProxyWorld.Proxy host;
    private Process standIn;
    private long oldDaemon;
    private int inFlight;

    @After("@proxy")
    public void cleanUp(io.cucumber.java.Scenario scenario) throws Exception {
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
        for (ProxyWorld.Proxy p : together) {
            p.send(Json.object("jsonrpc", "2.0", "id", 1, "method", "initialize", "params",
                    Json.object("protocolVersion", "2025-06-18", "capabilities", Map.of(),
                            "clientInfo", Json.object("name", "bdd", "version", "1"))));
        }
    }

    @Then("within {int} seconds every proxy is served by the same daemon")
    public void allOnOneDaemon(int seconds) throws Exception {
        Duration within = Duration.ofSeconds(seconds);
        for (ProxyWorld.Proxy p : together) {
            assertThat(p.awaitResponse(1, within)).as("proxy %d initialized", p.pid()).isPresent();
        }
        List<Long> served = new java.util.ArrayList<>();
        for (ProxyWorld.Proxy p : together) {
            served.add(((Number) p.status(within).get("pid")).longValue());
        }
        assertThat(served).as("the daemon pid each proxy's daemon_status reports").hasSize(together.size())
                .containsOnly(served.getFirst());
        assertThat(together.stream().map(ProxyWorld.Proxy::pid).toList()).as("no proxy serves itself")
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
        proxy.initialize();
        long pid = ((Number) proxy.status(Duration.ofSeconds(seconds)).get("pid")).longValue();
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
        int id = proxy.request("ping", null);
        assertThat(proxy.awaitResponse(id, Duration.ofSeconds(seconds))).isPresent()
                .get().satisfies(r -> assertThat(r).containsKey("result"));
    }

    @And("the proxy said once on stderr that the daemon is version {string} and it serves in-process")
    public void saidOnStderr(String version) throws Exception {
        List<String> lines = proxy.stderrText().lines().toList();
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
        long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (world.fake().stopReason() == null && System.nanoTime() < until) {
            Thread.sleep(20);
        }
        assertThat(world.fake().stopReason()).contains("replaced by mcpd version");
    }

    // ---- host exit (B-G1, B-G2) ----

    @Given("a host that started a proxy which has answered it")
    public void hostWithProxy() throws Exception {
        host = world.startHostWithProxy();
        int id = host.request("ping", null);
        assertThat(host.awaitResponse(id, Duration.ofSeconds(60))).isPresent();
        assertThat(host.announcedPid).as("the host printed its proxy's pid").isPositive();
        assertThat(ProcessHandle.of(host.announcedPid).flatMap(ProcessHandle::parent).map(ProcessHandle::pid))
                .as("the proxy is the host's child").contains(host.process.pid());
    }

    @When("the host is killed with SIGKILL")
    public void killHost() throws Exception {
        ProxyWorld.kill(host.process.pid(), "KILL");
        host.process.waitFor();
    }

    @Then("the proxy exits within {int} seconds")
    public void proxyExits(int seconds) throws Exception {
        long pid = host != null ? host.announcedPid : proxy.pid();
        long until = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        while (ProxyWorld.isRunning(pid) && System.nanoTime() < until) {
            Thread.sleep(20);
        }
        assertThat(ProxyWorld.isRunning(pid)).as("proxy pid %d still runs %d s after its host went, its stdin still open",
                pid, seconds).isFalse();
    }

    @Given("a proxy whose host is named by MCPD_HOST_PID and which has answered it")
    public void proxyWithNamedHost() throws Exception {
        standIn = world.startStandIn();
        world.set("MCPD_HOST_PID", Long.toString(standIn.pid()));
        proxy = world.startProxy();
        int id = proxy.request("ping", null);
        assertThat(proxy.awaitResponse(id, Duration.ofSeconds(60))).isPresent();
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
        assertThat(proxy.process.exitValue()).isEqualTo(status);
    }

    // ---- daemon restart (B-G3..G5) ----

    @Given("a proxy whose session is served by the daemon")
    public void proxyOnDaemon() throws Exception {
        proxy = world.startProxy();
        proxy.initialize();
        Map<String, Object> status = proxy.status(Duration.ofSeconds(60));
        oldDaemon = ((Number) status.get("pid")).longValue();
        assertThat(oldDaemon).as("served by a daemon, not in-process").isNotEqualTo(proxy.pid());
    }

    @And("a call to a read-only tool that takes {int} seconds is in flight")
    public void readOnlyInFlight(int seconds) throws Exception {
        inFlight = proxy.callTool("diag_sleep", Json.object("millis", seconds * 1000));
        Thread.sleep(300); // the call has reached the daemon
    }

    @And("a call to a tool that changes state and takes {int} seconds is in flight")
    public void writeInFlight(int seconds) throws Exception {
        inFlight = proxy.callTool("diag_write", Json.object("millis", seconds * 1000));
        Thread.sleep(300);
    }

    @When("the daemon is killed with {word}")
    public void killDaemon(String signal) throws Exception {
        ProxyWorld.kill(oldDaemon, signal.replace("SIG", ""));
    }

    @Then("the call in flight is answered within {int} seconds")
    public void inFlightAnswered(int seconds) throws Exception {
        assertThat(proxy.awaitResponse(inFlight, Duration.ofSeconds(seconds))).as("the in-flight call's answer").isPresent();
        Thread.sleep(200);
        assertThat(proxy.responsesTo(inFlight)).as("answered exactly once").hasSize(1);
    }

    @Then("the call in flight is answered within {int} seconds with an error saying it may have run")
    public void inFlightAnsweredWithError(int seconds) throws Exception {
        Map<String, Object> answer = proxy.awaitResponse(inFlight, Duration.ofSeconds(seconds)).orElseThrow();
        assertThat(answer).containsKey("error");
        assertThat(Json.asString(Json.asObject(answer.get("error")).get("message"))).contains("may have run");
    }

    @And("the next call succeeds within {int} seconds")
    public void nextCallSucceeds(int seconds) throws Exception {
        int id = proxy.callTool("diag_echo", Json.object("text", "still here"));
        Map<String, Object> answer = proxy.awaitResponse(id, Duration.ofSeconds(seconds)).orElseThrow();
        assertThat(answer).containsKey("result");
        assertThat(Json.asObject(answer.get("result"))).containsEntry("isError", false);
    }

    @And("within {int} seconds the session is served by a new daemon whose status lists this proxy")
    public void backOnADaemon(int seconds) throws Exception {
        long until = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        Map<String, Object> status = null;
        while (System.nanoTime() < until) {
            status = proxy.status(Duration.ofSeconds(5));
            long pid = ((Number) status.get("pid")).longValue();
            if (pid != proxy.pid() && pid != oldDaemon) {
                break;
            }
            Thread.sleep(200);
        }
        assertThat(status).isNotNull();
        long pid = ((Number) status.get("pid")).longValue();
        assertThat(pid).as("daemon_status comes from a new daemon").isNotEqualTo(proxy.pid()).isNotEqualTo(oldDaemon);
        List<Object> clients = Json.asArray(status.get("clients"));
        assertThat(clients).as("the new daemon lists this proxy").anySatisfy(c ->
                assertThat(Objects.equals(((Number) Json.asObject(c).get("proxyPid")).longValue(), proxy.pid())).isTrue());
    }
}
