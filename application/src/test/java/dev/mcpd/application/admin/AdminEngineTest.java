package dev.mcpd.application.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpd.application.daemon.DaemonStatus;
import dev.mcpd.domain.contract.EngineContract;
import dev.mcpd.domain.model.Availability;
import dev.mcpd.domain.model.ClientId;
import dev.mcpd.domain.model.ClientInfo;
import dev.mcpd.domain.model.PeerCredentials;
import dev.mcpd.domain.model.Pid;
import dev.mcpd.domain.model.Tool;
import dev.mcpd.domain.model.ToolResult;
import dev.mcpd.domain.model.TransportKind;
import dev.mcpd.domain.port.Engine;
import dev.mcpd.domain.testing.SimpleCallContext;
import dev.mcpd.domain.testing.TestTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class AdminEngineTest extends EngineContract {

    private static final Instant STARTED = Instant.parse("2026-01-01T00:00:00Z");

    private final List<String> stopRequests = new CopyOnWriteArrayList<>();

    @Override
    protected Engine newEngine() {
        return new AdminEngine(AdminEngineTest::status, stopRequests::add);
    }

    @Override
    protected SampleCall sampleCall() {
        return new SampleCall("daemon_status", Map.of());
    }

    private static DaemonStatus status() {
        ClientInfo identified = new ClientInfo(new ClientId(1), TransportKind.UNIX_SOCKET, STARTED.plusSeconds(5),
                new PeerCredentials(1000, 4242), new Pid(4242, STARTED), new Pid(4000, STARTED.minusSeconds(60)), true,
                STARTED.plusSeconds(50), 2);
        ClientInfo legacy = new ClientInfo(new ClientId(2), TransportKind.TCP, STARTED.plusSeconds(7),
                PeerCredentials.unknown(), null, null, false, STARTED.plusSeconds(7), 0);
        return new DaemonStatus("0.1.0", 777, "user:1000", STARTED, Duration.ofSeconds(61),
                List.of(new DaemonStatus.TransportStatus(TransportKind.UNIX_SOCKET, "unix:///run/mcpd/daemon.sock",
                                Availability.available()),
                        new DaemonStatus.TransportStatus(TransportKind.TCP, null, Availability.unavailable("tcp is disabled"))),
                List.of(new DaemonStatus.EngineStatus("admin", Availability.available(), 2, ""),
                        new DaemonStatus.EngineStatus("containers", Availability.unavailable("no runtime socket"), 9,
                                "tried unix:///run/podman/podman.sock")),
                List.of(identified, legacy), null);
    }

    @Test
    @DisplayName("B-C3 daemon_stop hands the reason to the stop requester and returns at once")
    void daemonStopRequestsTheStopAndReturnsAtOnce() throws InterruptedException {
        long begun = System.nanoTime();
        ToolResult result = engine.call("daemon_stop", Map.of("reason", "upgrade"), SimpleCallContext.forSeconds(30));
        Duration took = Duration.ofNanos(System.nanoTime() - begun);

        assertThat(took).isLessThan(TestTime.millis(100));
        assertThat(stopRequests).containsExactly("daemon_stop tool: upgrade");
        assertThat(result.isError()).isFalse();
        assertThat(result.structuredContent()).containsEntry("stopping", true).containsEntry("pid", 777L);
        assertThat(result.texts().getFirst()).contains("777").contains("stopping");
    }

    @Test
    @DisplayName("B-E1 daemon_stop without a reason still names the tool as the reason")
    void daemonStopWithoutReason() throws InterruptedException {
        engine.call("daemon_stop", Map.of(), SimpleCallContext.forSeconds(5));

        assertThat(stopRequests).containsExactly("daemon_stop tool");
    }

    @Test
    @DisplayName("B-G3 daemon_status is read-only (safe to re-serve); daemon_stop is not")
    void annotationsTellWhichToolIsSafeToRetry() {
        Map<String, Tool> tools = engine.tools().stream().collect(java.util.stream.Collectors.toMap(Tool::name, t -> t));

        assertThat(tools).containsOnlyKeys("daemon_status", "daemon_stop");
        assertThat(tools.get("daemon_status").annotations().safeToRetry()).isTrue();
        assertThat(tools.get("daemon_stop").annotations().safeToRetry()).isFalse();
        assertThat(tools.get("daemon_stop").annotations().destructiveHint()).isTrue();
    }

    @Test
    @DisplayName("B-L2 daemon_status shows each client with proxy, host and peer pids, in id order")
    void statusShowsClientsWithTheirPids() throws InterruptedException {
        ToolResult result = engine.call("daemon_status", Map.of(), SimpleCallContext.forSeconds(5));

        Map<String, Object> structured = result.structuredContent();
        assertThat(structured.keySet()).containsExactly("version", "pid", "scope", "startedAt", "uptimeSeconds",
                "transports", "engines", "clients", "recentExits");
        assertThat(structured).containsEntry("version", "0.1.0").containsEntry("pid", 777L)
                .containsEntry("scope", "user:1000").containsEntry("uptimeSeconds", 61L);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> clients = (List<Map<String, Object>>) structured.get("clients");
        assertThat(clients).hasSize(2);
        assertThat(clients.get(0)).containsEntry("id", 1L).containsEntry("transport", "unix")
                .containsEntry("proxyPid", 4242L).containsEntry("hostPid", 4000L).containsEntry("peerPid", 4242L)
                .containsEntry("hello", true).containsEntry("inFlightCalls", 2);
        assertThat(clients.get(1)).containsEntry("id", 2L).containsEntry("hello", false)
                .doesNotContainKeys("proxyPid", "hostPid", "peerPid");
        assertThat(result.texts().getFirst()).contains("mcpd 0.1.0 daemon pid 777").contains("2 client(s)")
                .contains("proxy pid 4242 host pid 4000");
    }

    @Test
    @DisplayName("B-L6 daemon_status says why a transport or engine is unavailable")
    void statusGivesUnavailabilityReasons() throws InterruptedException {
        ToolResult result = engine.call("daemon_status", Map.of(), SimpleCallContext.forSeconds(5));

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> transports = (List<Map<String, Object>>) result.structuredContent().get("transports");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> engines = (List<Map<String, Object>>) result.structuredContent().get("engines");
        assertThat(transports.get(0)).containsEntry("available", true).doesNotContainKey("reason");
        assertThat(transports.get(1)).containsEntry("kind", "tcp").containsEntry("available", false)
                .containsEntry("reason", "tcp is disabled").doesNotContainKey("endpoint");
        assertThat(engines.get(0)).containsEntry("available", true).doesNotContainKeys("reason", "detail");
        assertThat(engines.get(1)).containsEntry("name", "containers").containsEntry("reason", "no runtime socket")
                .containsEntry("tools", 9).containsEntry("detail", "tried unix:///run/podman/podman.sock");
        assertThat(result.texts().getFirst()).contains("unavailable: no runtime socket");
    }
}
