package dev.mcpd.bdd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mcpd.domain.testing.TestTime;
import dev.mcpd.testing.LineClient;
import io.cucumber.java.After;
import io.cucumber.java.en.And;
import io.cucumber.java.en.Given;
import io.cucumber.java.en.Then;
import io.cucumber.java.en.When;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Steps of {@code client_liveness.feature}, {@code idle_exit.feature}, {@code inactivity_backstop.feature} and
 * {@code graceful_shutdown.feature}. They talk only to {@link LifecycleWorld}; time bounds are scaled by
 * {@link TestTime}.
 */
public class LifecycleSteps {

    private static final Duration ANSWER = Duration.ofSeconds(30);

    private final LifecycleWorld world = new LifecycleWorld();
    private Process host;
    private Process phantom;
    private LineClient client;
    private Predicate<Map<String, Object>> theClient;
    private long diedAt;
    private boolean aliveThroughout;
    private String callAnswer;
    private final List<Long> heldChildren = new ArrayList<>();

    @After("@slow and @transport-unix")
    public void cleanUp() throws Exception {
        world.cleanUp();
    }

    // ---- the daemon

    private void daemonWith(String... settings) throws Exception {
        world.prepare();
        for (int i = 0; i < settings.length; i += 2) {
            world.set(settings[i], settings[i + 1]);
        }
        world.startDaemon();
    }

    @Given("a daemon")
    public void aDaemon() throws Exception {
        daemonWith();
    }

    @Given("a daemon whose liveness sweep runs every {int} seconds")
    public void sweepSeconds(int seconds) throws Exception {
        daemonWith("MCPD_DAEMON_CLIENT_SWEEP", seconds + "s");
    }

    @Given("a daemon whose liveness sweep runs every {int} milliseconds")
    public void sweepMillis(int millis) throws Exception {
        daemonWith("MCPD_DAEMON_CLIENT_SWEEP", millis + "ms");
    }

    @Given("a daemon with an idle timeout of {int} seconds")
    public void idleTimeout(int seconds) throws Exception {
        daemonWith("MCPD_DAEMON_IDLE_TIMEOUT", seconds + "s");
    }

    @Given("a daemon with an idle timeout of {int} seconds and a hello timeout of {int} seconds")
    public void idleAndHelloTimeout(int idle, int hello) throws Exception {
        daemonWith("MCPD_DAEMON_IDLE_TIMEOUT", idle + "s", "MCPD_DAEMON_HELLO_TIMEOUT", hello + "s");
    }

    @Given("a daemon with an inactivity backstop of {int} seconds and an idle timeout of {int} seconds")
    public void backstop(int maxIdle, int idle) throws Exception {
        daemonWith("MCPD_DAEMON_MAX_IDLE", maxIdle + "s", "MCPD_DAEMON_IDLE_TIMEOUT", idle + "s");
    }

    @Given("a daemon with a shutdown grace period of {int} seconds")
    public void grace(int seconds) throws Exception {
        daemonWith("MCPD_DAEMON_SHUTDOWN_GRACE", seconds + "s");
    }

    // ---- clients

    private static boolean pidIs(Map<String, Object> client, String field, long pid) {
        return client.get(field) instanceof Number n && n.longValue() == pid;
    }

    private boolean listed() throws Exception {
        return LifecycleWorld.clientsOf(world.status()).stream().anyMatch(theClient);
    }

    private void awaitListed() {
        await().atMost(ANSWER).pollInterval(Duration.ofMillis(50)).until(this::listed);
    }

    @Given("a proxy serving a host process")
    public void proxyForHost() throws Exception {
        host = world.startHost();
        client = world.startProxy(host.pid());
        long hostPid = host.pid();
        theClient = c -> pidIs(c, "hostPid", hostPid);
        awaitListed();
    }

    @Given("a client that says hello naming a host process")
    public void clientNamingHost() throws Exception {
        host = world.startHost();
        client = world.connectWithHello(host.pid());
        long hostPid = host.pid();
        theClient = c -> pidIs(c, "hostPid", hostPid);
        awaitListed();
    }

    @Given("a client whose socket is also held open by its own child process")
    public void heldPhantom() throws Exception {
        phantom = world.startPhantom("held", 1);
        long proxyPid = phantom.pid();
        theClient = c -> pidIs(c, "proxyPid", proxyPid);
        awaitListed();
    }

    @Given("a client whose connecting process has exited and whose hello names pid 1 as its host, with its socket held open")
    public void orphanPhantom() throws Exception {
        // pid 1 never exits, so the daemon stores it as unknown (ADR 0011): nothing about this client is provably alive
        phantom = world.startPhantom("orphan", 1);
        phantom.waitFor();
    }

    @When("a client says hello naming a host process that has already exited")
    public void helloNamingADeadHost() throws Exception {
        client = world.connectWithHello(world.deadHostPid());
    }

    @Then("the daemon answers it with an error saying the host is not running")
    public void refusedForADeadHost() throws InterruptedException {
        String answer = client.awaitLine(line -> line.contains("\"error\""), TestTime.scaled(Duration.ofSeconds(2)));
        assertThat(answer).contains("-32600").contains("not running");
    }

    @When("the host process dies")
    public void hostDies() throws Exception {
        host.destroyForcibly();
        host.waitFor();
        diedAt = System.nanoTime();
    }

    @When("the client process is killed with SIGKILL")
    public void killPhantom() throws Exception {
        phantom.destroyForcibly();
        phantom.waitFor();
        diedAt = System.nanoTime();
    }

    @Then("the daemon no longer lists the client within {int} second(s)")
    public void goneWithinSeconds(int seconds) {
        goneWithin(Duration.ofSeconds(seconds));
    }

    @Then("the daemon no longer lists the client within {int} milliseconds")
    public void goneWithinMillis(int millis) {
        goneWithin(Duration.ofMillis(millis));
    }

    private void goneWithin(Duration bound) {
        await().atMost(ANSWER).pollInterval(Duration.ofMillis(20)).until(() -> !listed());
        Duration took = Duration.ofNanos(System.nanoTime() - diedAt);
        assertThat(took).as("from the death to the client's removal").isLessThan(TestTime.scaled(bound));
    }

    @And("\"mcpd daemon status --json\" agrees")
    public void commandLineAgrees() throws Exception {
        Map<String, Object> status = world.statusFromTheCommandLine();
        assertThat(LifecycleWorld.clientsOf(status)).noneMatch(theClient);
    }

    @And("the daemon has closed that client's connection")
    public void connectionClosed() {
        await().atMost(TestTime.scaled(Duration.ofSeconds(2))).until(client::ended);
    }

    @And("the process holding the client's socket is still running")
    public void holderRunning() {
        assertThat(world.strays()).singleElement().matches(pid -> !LifecycleWorld.gone(pid));
    }

    @When("a client connects and closes before saying hello")
    public void closesBeforeHello() throws Exception {
        world.connect().close();
    }

    @Then("the daemon lists no client but the one asking")
    public void onlyTheAsker() {
        await().atMost(TestTime.scaled(Duration.ofSeconds(1))).pollInterval(Duration.ofMillis(20))
                .until(() -> LifecycleWorld.clientsOf(world.status()).size() == 1);
    }

    private void staysAlive(Duration period) {
        try {
            await().during(period).atMost(period.plusSeconds(1)).until(() -> world.daemon().isAlive());
            aliveThroughout = true;
        } catch (ConditionTimeoutException e) {
            aliveThroughout = false;
        }
    }

    @When("a client connects and stays silent for {int} seconds")
    public void silentClient(int seconds) throws Exception {
        client = world.connect();
        staysAlive(Duration.ofSeconds(seconds));
    }

    @When("nothing is sent for {int} seconds")
    public void nothingSent(int seconds) {
        staysAlive(Duration.ofSeconds(seconds));
    }

    @Then("the daemon is still running")
    public void stillRunning() {
        assertThat(aliveThroughout).as("the daemon ran throughout").isTrue();
        assertThat(world.daemon().isAlive()).isTrue();
    }

    @And("the daemon still lists the client")
    public void stillListed() throws Exception {
        assertThat(listed()).isTrue();
    }

    @And("the client's ping is answered")
    public void pingAnswered() throws Exception {
        client.send("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"ping\"}");
        assertThat(client.awaitLine(line -> line.contains("\"id\":7"), ANSWER)).contains("\"result\":{}");
    }

    @When("the client disconnects")
    public void disconnects() {
        client.close();
    }

    @When("a client calls a tool that takes {int} seconds")
    public void longCall(int seconds) throws Exception {
        client = world.connect();
        client.send("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"diag_sleep\","
                + "\"arguments\":{\"millis\":" + seconds * 1000 + "}}}");
        callAnswer = client.awaitLine(line -> line.contains("\"id\":3"), ANSWER.plusSeconds(seconds));
    }

    @Then("the call is answered with its result, not an error")
    public void answeredWithResult() {
        assertThat(callAnswer).contains("\"result\"").contains("slept").doesNotContain("\"error\"");
    }

    @And("the daemon was running all along")
    public void runningAllAlong() throws Exception {
        assertThat(world.daemon().isAlive()).isTrue();
        assertThat(world.exitHistory()).isEmpty();
    }

    @Then("the daemon exits by itself within {int} seconds with status {int}")
    public void exitsByItself(int seconds, int status) throws Exception {
        Duration bound = TestTime.scaled(Duration.ofSeconds(seconds));
        world.awaitDaemonExit(bound);
        assertThat(world.daemon().exitValue()).as(world.daemonOutput()).isEqualTo(status);
    }

    @And("its exit history says {string}")
    public void exitHistorySays(String text) throws Exception {
        assertThat(world.exitHistory()).contains(text);
    }

    // ---- shutdown

    @Given("{int} sessions that each hold a child process of the daemon")
    public void sessionsHoldingChildren(int sessions) throws Exception {
        long daemonPid = world.daemon().pid();
        for (int i = 0; i < sessions; i++) {
            LineClient session = world.connect();
            session.send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"diag_hold_process\","
                    + "\"arguments\":{\"seconds\":600}}}");
            String answer = session.awaitLine(line -> line.contains("\"id\":1"), ANSWER);
            Matcher pid = Pattern.compile("\"pid\":(\\d+)").matcher(answer);
            assertThat(pid.find()).as(answer).isTrue();
            long child = Long.parseLong(pid.group(1));
            world.track(child);
            heldChildren.add(child);
            assertThat(ProcessHandle.of(child).flatMap(ProcessHandle::parent).map(ProcessHandle::pid))
                    .as("child %d belongs to the daemon", child).contains(daemonPid);
        }
        assertThat(heldChildren).doesNotHaveDuplicates().hasSize(sessions);
    }

    @Given("a client with a tool call in flight that would take a minute")
    public void stuckCall() throws Exception {
        client = world.connect();
        client.send("{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/call\",\"params\":{\"name\":\"diag_sleep\","
                + "\"arguments\":{\"millis\":60000}}}");
        await().atMost(ANSWER).pollInterval(Duration.ofMillis(20)).until(() -> LifecycleWorld.clientsOf(world.status())
                .stream().anyMatch(c -> c.get("inFlightCalls") instanceof Number n && n.intValue() == 1));
    }

    @When("the daemon receives SIGTERM")
    public void sigterm() {
        world.terminateDaemon();
    }

    @Then("it exits within {int} second(s) with status {int}")
    public void exitsWithin(int seconds, int status) throws Exception {
        Duration took = world.awaitDaemonExit(ANSWER);
        assertThat(world.daemon().exitValue()).as(world.daemonOutput()).isEqualTo(status);
        assertThat(took).as("from SIGTERM to the daemon's exit").isLessThan(TestTime.scaled(Duration.ofSeconds(seconds)));
    }

    @And("none of the {int} child processes is left")
    public void noChildLeft(int count) {
        assertThat(heldChildren).hasSize(count);
        assertThat(heldChildren.stream().filter(pid -> !LifecycleWorld.gone(pid)).toList()).isEmpty();
    }

    @And("the daemon's socket and discovery record are removed")
    public void filesRemoved() {
        assertThat(world.stateFile("daemon.sock")).doesNotExist();
        assertThat(world.stateFile("daemon.json")).doesNotExist();
    }

    @Then("the call is answered with a {string} error")
    public void answeredWithError(String text) throws Exception {
        String answer = client.awaitLine(line -> line.contains("\"id\":5"), ANSWER);
        assertThat(answer).contains("\"error\"").contains("-32002").contains(text);
        assertThat(Objects.requireNonNull(answer)).doesNotContain("\"result\"");
    }

}
