package dev.mcpd.bootstrap.it;

import static dev.mcpd.domain.testing.TestTime.millis;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpd.domain.model.ExitCode;
import dev.mcpd.testing.McpdProcess;
import dev.mcpd.testing.McpdScope;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The walking skeleton end to end, with real processes: bin/mcpd as proxy, a detached daemon, a Unix socket. */
class ProxyDaemonIT {

    private static final Duration ANSWER = Duration.ofSeconds(30);

    private McpdScope mcpd;

    @BeforeEach
    void harness() throws Exception {
        mcpd = ItScope.create();
    }

    @AfterEach
    void cleanUp() throws Exception {
        mcpd.close();
    }

    @Test
    @SuppressWarnings("unchecked")
    void aHostColdStartsTheDaemonThroughTheProxyAndIsServedFromIt() throws Exception { // B-S3, B-W2, B-W3, B-L2
        try (McpdProcess session = mcpd.serve()) {
            Map<String, Object> init = session.lines().initialize(ItScope.CLIENT, ItScope.INITIALIZE);
            assertThat((Map<String, Object>) init.get("result")).containsEntry("protocolVersion", "2025-06-18");
            Map<String, Object> list = session.lines().call("tools/list", Map.of(), ANSWER);
            List<Map<String, Object>> tools = (List<Map<String, Object>>) ((Map<String, Object>) list.get("result")).get("tools");
            assertThat(tools).extracting(t -> t.get("name")).contains("daemon_status", "daemon_stop", "diag_echo");

            Map<String, Object> status = session.lines().daemonStatus(ItScope.STATUS);
            long daemonPid = ((Number) status.get("pid")).longValue();
            assertThat(daemonPid).isNotEqualTo(session.pid()).isEqualTo(mcpd.recordedDaemonPid().orElseThrow());
            List<Map<String, Object>> clients = (List<Map<String, Object>>) status.get("clients");
            assertThat(clients).hasSize(1);
            assertThat(((Number) clients.getFirst().get("proxyPid")).longValue()).isEqualTo(session.pid());
            assertThat(((Number) clients.getFirst().get("hostPid")).longValue()).isEqualTo(ProcessHandle.current().pid());
            assertThat(Files.getPosixFilePermissions(mcpd.stateDir().resolve("daemon.json")))
                    .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ,
                            PosixFilePermission.OWNER_WRITE);
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void twoProxiesStartedTogetherShareOneDaemon() throws Exception { // B-S1, B-S3 (race hardening)
        try (McpdProcess a = mcpd.serve(); McpdProcess b = mcpd.serve()) {
            CompletableFuture<Map<String, Object>> statusA = CompletableFuture.supplyAsync(() -> status(a));
            CompletableFuture<Map<String, Object>> statusB = CompletableFuture.supplyAsync(() -> status(b));
            Object pidA = statusA.get().get("pid");
            Object pidB = statusB.get().get("pid");
            assertThat(pidA).isEqualTo(pidB);
            Map<String, Object> both = a.lines().daemonStatus(ItScope.STATUS);
            assertThat((List<Object>) both.get("clients")).hasSize(2);
        }
    }

    private static Map<String, Object> status(McpdProcess session) {
        try {
            session.lines().initialize(ItScope.CLIENT, ItScope.INITIALIZE);
            return session.lines().daemonStatus(ItScope.STATUS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void theDaemonStopToolAnswersAtOnceAndTheDaemonThenCleansUp() throws Exception { // B-C3, B-E1, B-S2
        try (McpdProcess session = mcpd.serve()) {
            session.lines().initialize(ItScope.CLIENT, ItScope.INITIALIZE);
            long daemonPid = ((Number) session.lines().daemonStatus(ItScope.STATUS).get("pid")).longValue();
            try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                channel.connect(UnixDomainSocketAddress.of(mcpd.stateDir().resolve("daemon.sock")));
                BufferedReader reader = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
                assertThat(reader.readLine()).contains("\"mcpd\"").contains("\"pid\":" + daemonPid);
                var out = Channels.newOutputStream(channel);
                long sent = System.nanoTime();
                out.write("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{\"name\":\"daemon_stop\",\"arguments\":{}}}\n"
                        .getBytes(StandardCharsets.UTF_8));
                out.flush();
                String answer = reader.readLine();
                Duration took = Duration.ofNanos(System.nanoTime() - sent);
                assertThat(answer).contains("\"id\":7").contains("\"stopping\":true");
                assertThat(took).isLessThan(millis(100));
            }
            ProcessHandle daemon = ProcessHandle.of(daemonPid).orElseThrow();
            daemon.onExit().get(5, TimeUnit.SECONDS);
            assertThat(mcpd.stateDir().resolve("daemon.json")).doesNotExist();
            assertThat(mcpd.stateDir().resolve("daemon.sock")).doesNotExist();
            // The proxy survives its daemon (B-G3, B-G4): the session goes on in-process.
            assertThat(session.lines().call("ping", null, ANSWER)).containsKey("result");
        }
    }

    @Test
    void sigtermTakesTheSameOrderedShutdownPath() throws Exception { // B-E1
        try (McpdProcess session = mcpd.serve()) {
            session.lines().initialize(ItScope.CLIENT, ItScope.INITIALIZE);
            ProcessHandle daemon = ProcessHandle.of(mcpd.recordedDaemonPid().orElseThrow()).orElseThrow();
            long begun = System.nanoTime();
            daemon.destroy();
            daemon.onExit().get(5, TimeUnit.SECONDS);
            assertThat(Duration.ofNanos(System.nanoTime() - begun)).isLessThan(millis(1000));
            assertThat(mcpd.stateDir().resolve("daemon.json")).doesNotExist();
            assertThat(Files.readString(mcpd.stateDir().resolve("daemon.log"))).contains("stop requested: SIGTERM")
                    .contains("daemon stopped (SIGTERM)");
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void aCallInFlightWhenTheDaemonIsKilledIsStillAnswered() throws Exception { // B-G3, B-G4
        try (McpdProcess session = mcpd.serve()) {
            session.lines().initialize(ItScope.CLIENT, ItScope.INITIALIZE);
            session.lines().daemonStatus(ItScope.STATUS);
            long sleeping = session.lines().request("tools/call", Map.of("name", "diag_sleep", "arguments", Map.of("millis", 1500)));
            long writing = session.lines().request("tools/call", Map.of("name", "diag_write", "arguments", Map.of("millis", 1500)));
            await("both calls in flight at the daemon").atMost(ANSWER)
                    .until(() -> mcpd.inFlightCalls(session.pid(), ItScope.STATUS) >= 2);
            ProcessHandle.of(mcpd.recordedDaemonPid().orElseThrow()).ifPresent(ProcessHandle::destroyForcibly); // SIGKILL
            // diag_sleep is read-only: re-served in-process, so it completes (B-G3)
            Map<String, Object> answer = session.lines().awaitResponse(sleeping, ANSWER);
            assertThat(answer).containsKey("result");
            assertThat(answer.get("result").toString()).contains("slept 1500 ms");
            // diag_write changes state: never re-run, but answered with an error saying it may have run
            Map<String, Object> refused = session.lines().awaitResponse(writing, ANSWER);
            assertThat(refused.get("error").toString()).contains("-32001").contains("may have run");
            Map<String, Object> next = session.lines().callTool("diag_echo", Map.of("text", "after"), ANSWER);
            assertThat((List<Map<String, Object>>) next.get("content")).extracting(c -> c.get("text")).first().isEqualTo("after");
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void theNextDaemonStopsWhatASigkilledDaemonLeftRunning() throws Exception { // B-E3
        long child;
        long deadDaemon;
        try (McpdProcess session = mcpd.serve()) {
            session.lines().initialize(ItScope.CLIENT, ItScope.INITIALIZE);
            deadDaemon = ((Number) session.lines().daemonStatus(ItScope.STATUS).get("pid")).longValue();
            Map<String, Object> held = session.lines().callTool("diag_hold_process", Map.of("seconds", 600), ANSWER);
            child = ((Number) ((Map<String, Object>) held.get("structuredContent")).get("pid")).longValue();
            assertThat(ProcessHandle.of(child)).isPresent();
        }
        ProcessHandle.of(deadDaemon).ifPresent(ProcessHandle::destroyForcibly); // no shutdown: the child stays
        await().atMost(Duration.ofSeconds(5)).until(() -> ProcessHandle.of(deadDaemon).map(p -> !p.isAlive()).orElse(true));
        assertThat(liveProcess(child)).as("a SIGKILLed daemon cannot stop its children").isTrue();

        try (McpdProcess next = mcpd.serve()) {
            next.lines().initialize(ItScope.CLIENT, ItScope.INITIALIZE);
            assertThat(((Number) next.lines().daemonStatus(ItScope.STATUS).get("pid")).longValue()).isNotEqualTo(deadDaemon);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> !liveProcess(child));
        assertThat(Files.readString(mcpd.stateDir().resolve("daemon-exits.log")))
                .contains("pid " + deadDaemon + " died without shutting down; 1 leftover process(es) stopped");
    }

    @Test
    @SuppressWarnings("unchecked")
    void afterMovingBackToANewDaemonProgressAndCancellationStillWork() throws Exception { // B-G5, B-M7
        try (McpdProcess session = mcpd.serve()) {
            session.lines().initialize(ItScope.CLIENT, ItScope.INITIALIZE);
            long first = ((Number) session.lines().daemonStatus(ItScope.STATUS).get("pid")).longValue();
            ProcessHandle.of(first).ifPresent(ProcessHandle::destroyForcibly);
            // The proxy serves in-process, then rejoins a new daemon when nothing is in flight.
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
                Object pid = session.lines().daemonStatus(ItScope.STATUS).get("pid");
                return pid instanceof Number n && n.longValue() != first && n.longValue() != session.pid();
            });
            session.lines().drainNotifications();
            long slow = session.lines().request("tools/call", Map.of("name", "diag_sleep", "arguments", Map.of("millis", 20_000),
                    "_meta", Map.of("progressToken", "p-1")));
            await().atMost(Duration.ofSeconds(5)).until(() -> session.lines().drainNotifications().stream()
                    .anyMatch(n -> "notifications/progress".equals(n.get("method"))
                            && "p-1".equals(((Map<String, Object>) n.get("params")).get("progressToken"))));
            session.lines().send("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":" + slow + "}}");
            assertThat(session.lines().call("ping", null, ANSWER)).containsKey("result");
            assertThat(session.lines().answeredWithin(slow, Duration.ofSeconds(1))).as("no response for a cancelled call").isFalse();
            List<Map<String, Object>> clients = (List<Map<String, Object>>) session.lines().daemonStatus(ItScope.STATUS).get("clients");
            assertThat(clients).extracting(c -> ((Number) c.get("inFlightCalls")).intValue()).containsOnly(1); // the status call itself
        }
    }

    /** Running and not a zombie (a reparented zombie waits for its new parent, which may be slow to reap). */
    private static boolean liveProcess(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void withNoDaemonTheProxyServesInProcessAndStartsNothing() throws Exception { // B-G4
        mcpd.env("MCPD_NO_DAEMON", "1");
        try (McpdProcess session = mcpd.serve()) {
            session.lines().initialize(ItScope.CLIENT, ItScope.INITIALIZE);
            Map<String, Object> status = session.lines().daemonStatus(ItScope.STATUS);
            assertThat(String.valueOf(status.get("scope"))).startsWith("in-process:");
            assertThat(((Number) status.get("pid")).longValue()).isEqualTo(session.pid());
        }
        assertThat(mcpd.stateDir().resolve("daemon.json")).doesNotExist();
    }

    @Test
    void malformedLinesAndUnknownMethodsGetErrorsAndTheSessionGoesOn() throws Exception { // B-M3, B-M4, B-X1
        try (McpdProcess session = mcpd.serve()) {
            session.lines().initialize(ItScope.CLIENT, ItScope.INITIALIZE);
            session.lines().send("{not json");
            session.lines().send("\u00ff\u00fe garbage");
            Map<String, Object> unknown = session.lines().call("server/discover", Map.of(), ANSWER);
            assertThat(unknown.get("error").toString()).contains("-32601");
            assertThat(session.lines().call("ping", null, ANSWER)).containsEntry("result", Map.of());
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void theCommandsPeopleTypeShowAndStopTheDaemon() throws Exception { // B-C3
        McpdScope.Result none = mcpd.run(ANSWER, "daemon", "status");
        assertThat(none.exitCode()).isEqualTo(ExitCode.NO_DAEMON_RUNNING.code());
        assertThat(none.stdout()).contains("no mcpd daemon is running");

        McpdScope.Result start = mcpd.run(ANSWER, "daemon", "start");
        assertThat(start.exitCode()).as(start.stderr()).isZero();
        long pid = mcpd.recordedDaemonPid().orElseThrow();
        assertThat(start.stdout()).contains("pid " + pid);

        McpdScope.Result json = mcpd.run(ANSWER, "daemon", "status", "--json");
        assertThat(json.exitCode()).isZero();
        Map<String, Object> status = new ObjectMapper().readValue(json.stdout(), Map.class);
        assertThat(((Number) status.get("pid")).longValue()).isEqualTo(pid);

        McpdScope.Result text = mcpd.run(ANSWER, "daemon", "status");
        assertThat(text.stdout()).contains("daemon pid " + pid).contains("engine    diagnostics");

        McpdScope.Result stop = mcpd.run(ANSWER, "daemon", "stop");
        assertThat(stop.exitCode()).isZero();
        assertThat(stop.stdout()).contains("mcpd daemon " + pid + " is stopping");
        await().atMost(Duration.ofSeconds(5)).until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
        assertThat(mcpd.run(ANSWER, "daemon", "stop").exitCode()).isEqualTo(ExitCode.NO_DAEMON_RUNNING.code());

        // The next daemon shows why its predecessor exited (B-L6).
        assertThat(mcpd.run(ANSWER, "daemon", "start").exitCode()).isZero();
        McpdScope.Result after = mcpd.run(ANSWER, "daemon", "status");
        assertThat(after.stdout()).contains("last exits").contains("pid " + pid + " exit 0: daemon_stop tool");
    }

    @Test
    void badConfigurationIsReportedAllAtOnce() throws Exception { // B-X2
        mcpd.env("MCPD_DAEMON_IDLE_TIMOUT", "1m").env("MCPD_DAEMON_SHUTDOWN_GRACE", "soon");
        McpdScope.Result result = mcpd.run(ANSWER, "daemon", "status");
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.stderr()).contains("2 problems").contains("MCPD_DAEMON_IDLE_TIMOUT").contains("'soon'");
    }

    @Test
    void doctorChecksEverythingWithARealRoundTrip() throws Exception {
        McpdScope.Result doctor = mcpd.run(Duration.ofSeconds(60), "doctor");
        assertThat(doctor.exitCode()).as(doctor.stdout() + doctor.stderr()).isZero();
        assertThat(doctor.stdout()).contains("[ok]   java").contains("[ok]   state dir").contains("[ok]   transport unix")
                .contains("[ok]   daemon").contains("[ok]   MCP round trip").contains("[ok]   engine diagnostics");
    }
}
