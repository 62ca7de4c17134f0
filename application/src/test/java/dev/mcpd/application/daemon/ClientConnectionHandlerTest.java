package dev.mcpd.application.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mcpd.application.jsonrpc.JsonRpc;
import dev.mcpd.application.mcp.Json;
import dev.mcpd.application.mcp.ServerInfo;
import dev.mcpd.application.mcp.ToolCatalog;
import dev.mcpd.application.wire.LinePeer;
import dev.mcpd.application.wire.PipedConnection;
import dev.mcpd.application.wire.TestJsonCodec;
import dev.mcpd.domain.contract.TransportContract;
import dev.mcpd.domain.fake.InMemoryEngine;
import dev.mcpd.domain.fake.InMemoryLivenessProbe;
import dev.mcpd.domain.fake.InMemoryTransport;
import dev.mcpd.domain.model.ClientInfo;
import dev.mcpd.domain.model.PeerCredentials;
import dev.mcpd.domain.model.Pid;
import dev.mcpd.domain.model.TransportKind;
import dev.mcpd.domain.testing.ManualClock;
import dev.mcpd.domain.time.Ticker;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** A real {@link ClientConnectionHandler} behind the in-memory transport, with fakes for every port. */
class ClientConnectionHandlerTest {

    private static final Duration ANSWER = LinePeer.ANSWER;
    private static final long THIS_JVM = ProcessHandle.current().pid();
    private static final Instant PROXY_START = Instant.parse("2026-01-01T08:00:00Z");
    private static final Instant HOST_START = Instant.parse("2026-01-01T07:00:00Z");
    private static final int MAX_LINE = 16 * 1024;

    private final ManualClock clock = new ManualClock();
    private final DaemonClientRegistry registry = new DaemonClientRegistry();
    private final InMemoryLivenessProbe probe = new InMemoryLivenessProbe();
    private final ActivityTracker activity = new ActivityTracker(registry, clock);
    private final InMemoryEngine memory = new InMemoryEngine();
    private final ClientConnectionHandler handler = new ClientConnectionHandler(
            new DaemonIdentity("1.2.3", new Pid(777, Instant.parse("2026-01-01T00:00:00Z")), 1000, "user:1000"),
            new DaemonSettings(Duration.ofMinutes(5), Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofMinutes(1),
                    MAX_LINE, 100),
            new ConnectionServices(new ServerInfo("mcpd", "1.2.3", null),
                    new ToolCatalog(List.of(memory, new EnvironmentEngine())), registry, probe, new TestJsonCodec(), activity,
                    clock, Ticker.system()));
    private final InMemoryTransport transport = new InMemoryTransport("handler-test");
    private final List<LinePeer> peers = new ArrayList<>();

    @BeforeEach
    void startTransport() {
        transport.start(handler);
    }

    @AfterEach
    void closeEverything() throws IOException {
        for (LinePeer peer : peers) {
            peer.close();
        }
        transport.close();
        memory.close();
    }

    @Test
    @DisplayName("B-W2 the daemon speaks first, with its hello")
    void daemonSpeaksFirst() throws IOException {
        LinePeer client = connect();

        assertThat(client.awaitLine(1)).isEqualTo("{\"mcpd\":\"1.2.3\",\"protocol\":1,\"pid\":777,\"scope\":\"user:1000\"}");
    }

    @Test
    @DisplayName("B-L1 a client counts from accept, before its hello, and is removed when it closes")
    void clientCountsFromAcceptUntilClose() throws IOException {
        LinePeer client = connect();
        client.awaitLine(1);

        assertThat(registry.size()).isEqualTo(1);
        ClientInfo accepted = registry.snapshot().getFirst();
        assertThat(accepted.helloReceived()).isFalse();
        assertThat(accepted.transport()).isEqualTo(TransportKind.IN_MEMORY);
        assertThat(accepted.connectedAt()).isEqualTo(clock.instant());
        assertThat(activity.idleSince()).as("not idle with a client attached").isNull();

        client.send(hello(THIS_JVM, null, Map.of()));
        ping(client, 1);
        assertThat(registry.snapshot().getFirst().helloReceived()).isTrue();

        clock.advance(Duration.ofMinutes(3));
        client.close();

        await().atMost(ANSWER).until(() -> registry.size() == 0);
        assertThat(activity.idleSince()).isEqualTo(clock.instant());
    }

    @Test
    @DisplayName("B-L1 a client that closes before its hello leaves no trace")
    void closingBeforeHelloLeavesNoTrace() throws IOException {
        LinePeer client = connect();
        client.awaitLine(1);
        assertThat(registry.size()).isEqualTo(1);

        client.close();

        await().atMost(ANSWER).until(() -> registry.size() == 0 && transport.openConnections() == 0);
        assertThat(registry.inFlightCalls()).isZero();
    }

    @Test
    @DisplayName("B-L1 a client that closes in the middle of its hello leaves no trace")
    void closingDuringHelloLeavesNoTrace() throws IOException {
        LinePeer client = connect();
        client.awaitLine(1);
        client.output().write("{\"mcpd_client\":1,\"pi".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        client.output().flush();

        client.close();

        await().atMost(ANSWER).until(() -> registry.size() == 0 && transport.openConnections() == 0);
    }

    @Test
    @DisplayName("B-L2 the hello's pid is checked against the kernel's peer pid; the kernel wins")
    void kernelPidWinsOverHelloPid() throws IOException {
        long kernelPid = pretendProcess(PROXY_START);
        long claimedPid = pretendProcess(PROXY_START.plusSeconds(1));
        LinePeer client = serve(new PeerCredentials(1000, kernelPid));
        client.awaitLine(1);

        client.send(hello(claimedPid, null, Map.of()));
        ping(client, 1);

        assertThat(registry.snapshot().getFirst().proxyPid()).isEqualTo(new Pid(kernelPid, PROXY_START));
    }

    @Test
    @DisplayName("B-L2 over the in-memory transport the kernel reports this JVM, so the hello's other pid is not taken")
    void inMemoryTransportHelloPidIsNotTrusted() throws IOException {
        long claimedPid = pretendProcess(PROXY_START);
        LinePeer client = connect();
        client.awaitLine(1);

        client.send(hello(claimedPid, null, Map.of()));
        ping(client, 1);

        ClientInfo info = registry.snapshot().getFirst();
        assertThat(info.peer().pid()).isEqualTo(THIS_JVM);
        assertThat(info.helloReceived()).isTrue();
        assertThat(info.proxyPid()).as("the probe does not know this JVM; the claimed pid must not be used").isNull();
    }

    @Test
    @DisplayName("B-L2 the hello names the host; proxy and host are stored, each with its start instant")
    void helloIdentifiesProxyAndHost() throws IOException {
        long proxy = pretendProcess(PROXY_START);
        long host = pretendProcess(HOST_START);
        LinePeer client = serve(new PeerCredentials(1000, proxy));
        client.awaitLine(1);

        client.send(hello(proxy, host, Map.of()));
        ping(client, 1);

        ClientInfo info = registry.snapshot().getFirst();
        assertThat(info.proxyPid()).isEqualTo(new Pid(proxy, PROXY_START));
        assertThat(info.hostPid()).isEqualTo(new Pid(host, HOST_START));
    }

    @Test
    @DisplayName("B-L3 the exit of the proxy process closes its connection and drops the client")
    void proxyExitClosesTheConnection() throws IOException, InterruptedException {
        long proxy = pretendProcess(PROXY_START);
        LinePeer client = serve(new PeerCredentials(1000, proxy));
        client.awaitLine(1);
        client.send(hello(proxy, null, Map.of()));
        ping(client, 1);
        assertThat(client.isEnded()).isFalse();

        probe.kill(proxy);

        assertThat(client.awaitEnded(ANSWER)).as("connection closed by the daemon").isTrue();
        await().atMost(ANSWER).until(() -> registry.size() == 0);
    }

    @Test
    @DisplayName("B-L3 the exit of the host process closes the connection and drops the client")
    void hostExitClosesTheConnection() throws IOException, InterruptedException {
        long host = pretendProcess(HOST_START);
        LinePeer client = connect();
        client.awaitLine(1);
        client.send(hello(THIS_JVM, host, Map.of()));
        ping(client, 1);
        assertThat(registry.snapshot().getFirst().hostPid()).isEqualTo(new Pid(host, HOST_START));

        probe.kill(host);

        assertThat(client.awaitEnded(ANSWER)).as("connection closed by the daemon").isTrue();
        await().atMost(ANSWER).until(() -> registry.size() == 0 && transport.openConnections() == 0);
    }

    @Test
    @DisplayName("B-W3 a legacy client whose first line is an MCP request gets its answer")
    void legacyClientIsAnswered() throws IOException {
        LinePeer client = connect();
        client.awaitLine(1);

        client.send(Json.object("jsonrpc", "2.0", "id", 1, "method", "initialize",
                "params", Json.object("protocolVersion", "2025-06-18")));

        Map<String, Object> result = Json.asObject(client.awaitResponse(1).get("result"));
        assertThat(result).containsEntry("protocolVersion", "2025-06-18");
        ping(client, 2);
        assertThat(registry.snapshot().getFirst().helloReceived()).isFalse();
    }

    @Test
    @DisplayName("B-W4 a malformed hello is not answered and the client is served as a legacy client")
    void malformedHelloFallsBackToLegacy() throws IOException {
        LinePeer client = connect();
        client.awaitLine(1);

        client.send(Json.object("mcpd_client", 2, "pid", 5));
        ping(client, 1);

        assertThat(client.lines()).hasSize(2);
        assertThat(registry.snapshot().getFirst().helloReceived()).isFalse();
    }

    @Test
    @DisplayName("B-W6 two clients both using id 1 each get only their own response; B-M8 a slow one delays neither")
    void requestIdsArePerConnection() throws IOException {
        LinePeer slow = connect();
        LinePeer fast = connect();
        slow.awaitLine(1);
        fast.awaitLine(1);
        slow.send(hello(THIS_JVM, null, Map.of()));
        fast.send(hello(THIS_JVM, null, Map.of()));

        slow.send(call(1, "sleep", Json.object("millis", 300)));
        fast.send(call(1, "echo", Json.object("text", "fast")));

        assertThat(text(fast.awaitResponse(1))).isEqualTo("fast");
        assertThat(slow.responsesTo(1)).as("the slow call is still running").isEmpty();
        assertThat(text(slow.awaitResponse(1))).isEqualTo("slept 300 ms");
        assertThat(fast.responsesTo(1)).hasSize(1);
        assertThat(slow.responsesTo(1)).hasSize(1);
    }

    @Test
    @DisplayName("B-G6 the environment forwarded in the hello reaches the engine, with the client's id")
    void forwardedEnvironmentReachesTheEngine() throws IOException {
        LinePeer client = connect();
        client.awaitLine(1);
        client.send(hello(THIS_JVM, null, Map.of("DOCKER_HOST", "unix:///run/podman.sock")));

        client.send(call(1, "whoami", Json.object()));

        ClientInfo info = registry.snapshot().getFirst();
        assertThat(text(client.awaitResponse(1))).isEqualTo(info.id() + " {DOCKER_HOST=unix:///run/podman.sock}");
    }

    @Test
    @DisplayName("B-C4 a line over the limit gets an error and the connection is closed")
    void oversizedLineClosesTheConnection() throws IOException, InterruptedException {
        LinePeer client = connect();
        client.awaitLine(1);
        client.send(hello(THIS_JVM, null, Map.of()));
        ping(client, 1);

        try {
            client.sendRaw("x".repeat(MAX_LINE + 100));
        } catch (IOException e) {
            // expected at times: the daemon stops reading at the limit and closes before the rest is written
        }

        assertThat(client.awaitEnded(ANSWER)).isTrue();
        Map<String, Object> error = client.messages().getLast();
        assertThat(error).doesNotContainKey("id");
        assertThat(Json.asObject(error.get("error"))).containsEntry("code", JsonRpc.INVALID_REQUEST);
        await().atMost(ANSWER).until(() -> registry.size() == 0);
    }

    @Test
    @DisplayName("B-M4 a malformed line gets -32700 without an id and the session goes on")
    void malformedLineGetsParseError() throws IOException {
        LinePeer client = connect();
        client.awaitLine(1);
        client.send(hello(THIS_JVM, null, Map.of()));

        client.sendRaw("{\"jsonrpc\":\"2.0\",\"id\":1,");
        ping(client, 2);

        Map<String, Object> parseError = client.messages().get(1);
        assertThat(parseError).doesNotContainKey("id");
        assertThat(Json.asObject(parseError.get("error"))).containsEntry("code", JsonRpc.PARSE_ERROR);
    }

    @Test
    @DisplayName("B-L4 calls in flight are counted per client; B-E1 shutdown answers them with -32002")
    void callsInFlightAreCountedAndAnsweredOnShutdown() throws IOException {
        LinePeer client = connect();
        client.awaitLine(1);
        client.send(hello(THIS_JVM, null, Map.of()));
        client.send(call(1, "sleep", Json.object("millis", 10_000)));

        await().atMost(ANSWER).until(() -> registry.inFlightCalls() == 1);
        assertThat(activity.idleSince()).isNull();

        handler.answerAndCancelAll();

        Map<String, Object> response = client.awaitResponse(1);
        assertThat(Json.asObject(response.get("error"))).containsEntry("code", JsonRpc.SHUTTING_DOWN);
        assertThat(registry.inFlightCalls()).isZero();
    }

    @Test
    @DisplayName("B-L5 traffic in either direction moves the client's last activity")
    void trafficMovesLastActivity() throws IOException {
        LinePeer client = connect();
        client.awaitLine(1);
        client.send(hello(THIS_JVM, null, Map.of()));
        ping(client, 1);

        clock.advance(Duration.ofMinutes(7));
        ping(client, 2);

        assertThat(registry.snapshot().getFirst().lastActivity()).isEqualTo(clock.instant());
    }

    // ---- helpers ----

    private LinePeer connect() throws IOException {
        TransportContract.Peer p = transport.connect();
        LinePeer peer = new LinePeer(p.in(), p.out(), p);
        peers.add(peer);
        return peer;
    }

    /** Serves a connection whose kernel credentials the test chooses (the in-memory transport always reports this JVM). */
    private LinePeer serve(PeerCredentials kernel) throws IOException {
        PipedConnection connection = new PipedConnection(kernel);
        Thread.ofVirtual().name("handler").start(() -> {
            try {
                handler.handle(connection);
            } finally {
                connection.close(); // as a transport does when its handler returns
            }
        });
        LinePeer peer = connection.farSide();
        peers.add(peer);
        return peer;
    }

    /** Starts a pretend process; never one with this JVM's pid, which the in-memory transport reports as the peer. */
    private long pretendProcess(Instant startedAt) {
        long pid = probe.start(startedAt);
        return pid == THIS_JVM ? probe.start(startedAt) : pid;
    }

    private static Map<String, Object> hello(long pid, Long hostPid, Map<String, String> env) {
        return Json.object("mcpd_client", 1, "pid", pid, "hostPid", hostPid, "env", env);
    }

    private static Map<String, Object> call(Object id, String tool, Map<String, Object> arguments) {
        return Json.object("jsonrpc", "2.0", "id", id, "method", "tools/call",
                "params", Json.object("name", tool, "arguments", arguments));
    }

    /** Pings and waits for the answer: everything the client sent before has been handled once it arrives. */
    private static void ping(LinePeer client, int id) throws IOException {
        client.send(Json.object("jsonrpc", "2.0", "id", id, "method", "ping"));
        assertThat(client.awaitResponse(id)).containsEntry("result", Map.of());
    }

    private static String text(Map<String, Object> response) {
        Map<String, Object> result = Json.asObject(response.get("result"));
        return Json.asString(Json.asObject(Json.asArray(result.get("content")).getFirst()).get("text"));
    }
}
