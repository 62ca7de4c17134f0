package dev.mcpd.application.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.mcpd.application.jsonrpc.JsonRpc;
import dev.mcpd.application.mcp.Json;
import dev.mcpd.application.mcp.ServerInfo;
import dev.mcpd.application.mcp.ToolCatalog;
import dev.mcpd.application.wire.LinePeer;
import dev.mcpd.application.wire.PipedConnection;
import dev.mcpd.application.wire.TestJsonCodec;
import dev.mcpd.domain.fake.InMemoryEngine;
import dev.mcpd.domain.fake.InMemoryLivenessProbe;
import dev.mcpd.domain.model.AccessToken;
import dev.mcpd.domain.model.ClientDescription;
import dev.mcpd.domain.model.ClientInfo;
import dev.mcpd.domain.model.PeerCredentials;
import dev.mcpd.domain.model.Pid;
import dev.mcpd.domain.model.TransportKind;
import dev.mcpd.domain.testing.ManualClock;
import dev.mcpd.domain.testing.TestTime;
import dev.mcpd.domain.time.Ticker;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * What a connection may cost and what its hello may claim, on a real {@link ClientConnectionHandler} with fakes for
 * every port (review findings 4, 5, 10, 16, 18, 19, 20; issue item 24; ADR 0011).
 */
class ClientAdmissionTest {

    private static final Duration ANSWER = LinePeer.ANSWER;
    private static final Instant STARTED = Instant.parse("2026-01-01T08:00:00Z");
    private static final long DAEMON_PID = 777;
    private static final int MAX_LINE = 32 * 1024;
    private static final AccessToken TOKEN = AccessToken.generate(new SecureRandom());

    private final ManualClock clock = new ManualClock();
    private final DaemonClientRegistry registry = new DaemonClientRegistry();
    private final InMemoryLivenessProbe probe = new InMemoryLivenessProbe();
    private final ActivityTracker activity = new ActivityTracker(registry, clock);
    private final InMemoryEngine memory = new InMemoryEngine();
    private final List<LinePeer> peers = new ArrayList<>();
    private ClientConnectionHandler handler = handler(DaemonSettings.Admission.DEFAULTS, null);

    @AfterEach
    void closeEverything() throws IOException {
        for (LinePeer peer : peers) {
            peer.close();
        }
        memory.close();
    }

    @Test
    @DisplayName("review finding 4: thousands of hellos naming one long-lived host leave no exit watch behind")
    void helloRoundsNamingALongLivedHostLeaveNoExitWatch() throws Exception {
        long host = probe.start(STARTED);
        for (int round = 0; round < 2_000; round++) {
            long proxy = probe.start(STARTED.plusSeconds(1));
            probe.parent(proxy, host);
            LinePeer client = serve(new PeerCredentials(0, proxy), TransportKind.UNIX_SOCKET);
            client.send(hello(proxy, host));
            ping(client, 1);
            client.close();
            // polled every millisecond: the handler ends a few ms after the close, once its writer has drained
            await().atMost(ANSWER).pollInterval(Duration.ofMillis(1)).until(() -> registry.size() == 0);
            peers.remove(client);
        }
        await().atMost(ANSWER).until(() -> probe.watches() == 0);
    }

    @Test
    @DisplayName("review finding 10: a TCP peer's hello pids are shown for display only, never watched or probed")
    void aTcpPeersPidsAreShownButNeverWatched() throws Exception {
        long localProcess = probe.start(STARTED);
        LinePeer client = serve(PeerCredentials.unknown(), TransportKind.TCP);
        client.send(hello(localProcess, localProcess));
        ping(client, 1);

        ClientInfo info = registry.snapshot().getFirst();
        assertThat(info.proxyPid()).isNull();
        assertThat(info.hostPid()).isNull();
        assertThat(info.description()).isEqualTo(new ClientDescription(null, localProcess, localProcess));
        assertThat(probe.watches()).isZero();

        probe.kill(localProcess); // an unrelated local process of that number exits
        ping(client, 2);
        assertThat(client.isEnded()).isFalse();
    }

    @Test
    @DisplayName("review finding 19: a client reaped on a process-exit event leaves a log line saying why (B-L3)")
    void reapingOnAnExitEventIsLogged() throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger(ClientExitWatch.class);
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.start();
        Level before = logger.getLevel();
        logger.setLevel(Level.INFO);
        logger.addAppender(captured);
        try {
            long proxy = probe.start(STARTED);
            LinePeer client = serve(new PeerCredentials(0, proxy), TransportKind.UNIX_SOCKET);
            client.send(hello(proxy, null));
            ping(client, 1);
            String id = registry.snapshot().getFirst().id().toString();

            probe.kill(proxy);

            assertThat(client.awaitEnded(ANSWER)).isTrue();
            await().atMost(ANSWER).until(() -> registry.size() == 0);
            assertThat(captured.list).extracting(ILoggingEvent::getFormattedMessage)
                    .contains(id + ": proxy pid " + proxy + " exited; disconnecting (B-L3)");
        } finally {
            logger.detachAppender(captured);
            logger.setLevel(before);
        }
    }

    @Test
    @DisplayName("issue item 24: a hello whose host is already dead is refused at once with a JSON-RPC error (B-L3)")
    void aPhantomHostIsRefusedAtOnce() throws Exception {
        long proxy = probe.start(STARTED);
        long host = probe.start(STARTED);
        probe.kill(host);
        LinePeer client = serve(new PeerCredentials(0, proxy), TransportKind.UNIX_SOCKET);

        client.send(hello(proxy, host));

        assertThat(client.awaitEnded(ANSWER)).isTrue();
        Map<String, Object> error = Json.asObject(client.messages().getLast().get("error"));
        assertThat(error).containsEntry("code", JsonRpc.INVALID_REQUEST);
        assertThat(Json.asString(error.get("message"))).contains("host process " + host).contains("not running");
        await().atMost(ANSWER).until(() -> registry.size() == 0);
        assertThat(probe.watches()).isZero();
    }

    @Test
    @DisplayName("review finding 20: host pid 1 or the daemon's own pid is stored as unknown; a non-ancestor is kept")
    void hostPidsThatWouldNeverExitAreStoredAsUnknown() throws Exception {
        long proxy = probe.start(STARTED);
        long realHost = probe.start(STARTED);
        long sibling = probe.start(STARTED);
        probe.parent(proxy, realHost);
        probe.parent(realHost, 1);

        assertThat(hostStoredFor(proxy, 1L)).as("pid 1").isNull();
        assertThat(hostStoredFor(proxy, DAEMON_PID)).as("the daemon itself").isNull();
        assertThat(hostStoredFor(proxy, realHost)).as("the real host").isEqualTo(new Pid(realHost, STARTED));
        assertThat(hostStoredFor(proxy, sibling)).as("not an ancestor: logged, kept (the proxy is watched too)")
                .isEqualTo(new Pid(sibling, STARTED));
    }

    @Test
    @DisplayName("review finding 20: a host named past a launcher shim (MCPD_HOST_PID) is kept")
    void aHostPastALauncherShimIsKept() throws Exception {
        long proxy = probe.start(STARTED);
        long shim = probe.start(STARTED);
        long ide = probe.start(STARTED);
        probe.parent(proxy, shim);
        probe.parent(shim, ide);

        assertThat(hostStoredFor(proxy, ide)).isEqualTo(new Pid(ide, STARTED));
    }

    @Test
    @DisplayName("B-W3 a connection that sends no line within the hello timeout is closed and leaves no trace")
    void aSilentConnectionIsClosedAfterTheHelloTimeout() throws Exception {
        Duration timeout = TestTime.millis(300);
        handler = handler(new DaemonSettings.Admission(timeout, 1024, 1L << 30), null);
        LinePeer client = serve(PeerCredentials.unknown(), TransportKind.UNIX_SOCKET);
        client.awaitLine(1);
        assertThat(registry.size()).isEqualTo(1);

        assertThat(client.awaitEnded(timeout.plus(ANSWER))).isTrue();
        await().atMost(ANSWER).until(() -> registry.size() == 0);
        assertThat(activity.idleSince()).as("the idle timer is armed again (B-L4)").isNotNull();
    }

    @Test
    @DisplayName("review finding 16: past the per-transport cap a connection is closed at once, with nothing sent")
    void connectionsPastTheCapAreClosedAtOnce() throws Exception {
        handler = handler(new DaemonSettings.Admission(Duration.ofMinutes(1), 2, 1L << 30), null);
        LinePeer first = serve(PeerCredentials.unknown(), TransportKind.UNIX_SOCKET);
        LinePeer second = serve(PeerCredentials.unknown(), TransportKind.UNIX_SOCKET);
        first.awaitLine(1);
        second.awaitLine(1);

        LinePeer third = serve(PeerCredentials.unknown(), TransportKind.UNIX_SOCKET);
        LinePeer otherTransport = serve(PeerCredentials.unknown(), TransportKind.TCP);

        assertThat(third.awaitEnded(ANSWER)).isTrue();
        assertThat(third.lines()).isEmpty();
        assertThat(otherTransport.awaitLine(1)).as("the cap is per transport").contains("\"mcpd\"");
        assertThat(registry.size()).isEqualTo(3);
        first.close();
        await().atMost(ANSWER).until(() -> registry.size() == 2);
        LinePeer fourth = serve(PeerCredentials.unknown(), TransportKind.UNIX_SOCKET);
        assertThat(fourth.awaitLine(1)).as("a freed place is taken again").contains("\"mcpd\"");
    }

    @Test
    @DisplayName("review finding 5: a line that cannot get budget is refused with -32600; the others go on")
    void aLineBeyondTheDaemonWideBudgetIsRefusedAndOthersGoOn() throws Exception {
        handler = handler(new DaemonSettings.Admission(Duration.ofMinutes(1), 1024, 40 * 1024), null);
        LinePeer holder = serve(PeerCredentials.unknown(), TransportKind.UNIX_SOCKET);
        LinePeer greedy = serve(PeerCredentials.unknown(), TransportKind.UNIX_SOCKET);
        holder.awaitLine(1);
        greedy.awaitLine(1);
        String head = "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"ping\",\"params\":{\"pad\":\"";
        holder.output().write((head + "x".repeat(MAX_LINE - 100)).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        holder.output().flush();
        await().atMost(ANSWER).until(() -> handler.bufferedLineBytes() > 16 * 1024);

        try {
            greedy.sendRaw("y".repeat(MAX_LINE - 100));
        } catch (IOException e) {
            // the daemon may close before the whole line is written
        }

        assertThat(greedy.awaitEnded(ANSWER)).isTrue();
        Map<String, Object> error = Json.asObject(greedy.messages().getLast().get("error"));
        assertThat(error).containsEntry("code", JsonRpc.INVALID_REQUEST);
        assertThat(Json.asString(error.get("message"))).contains("line too large for the daemon's current memory budget");
        holder.sendRaw("\"}}");
        assertThat(holder.awaitResponse(7)).containsEntry("result", Map.of());
        ping(holder, 8);
        await().atMost(ANSWER).until(() -> handler.bufferedLineBytes() == 0);
    }

    @Test
    @DisplayName("B-T3, review findings 5 and 18: before the token a TCP peer learns nothing, is not a client, and "
            + "cannot make the daemon read past 4 KiB")
    void beforeTheTokenATcpPeerIsNotAClientAndIsReadFor4KiBAtMost() throws Exception {
        handler = handler(DaemonSettings.Admission.DEFAULTS, TOKEN);
        LinePeer stranger = serve(PeerCredentials.unknown(), TransportKind.TCP);

        assertThat(stranger.awaitLine(1)).as("the version only: no pid, no scope path")
                .isEqualTo("{\"mcpd\":\"1.2.3\",\"protocol\":1,\"pid\":0,\"scope\":\"\"}");
        assertThat(registry.size()).as("not a client before the token").isZero();
        assertThat(activity.idleSince()).as("and the idle timer stays armed").isNotNull();

        try {
            stranger.sendRaw("z".repeat(1024 * 1024));
        } catch (IOException e) {
            // closed after 4 KiB: the rest of the write may fail
        }
        assertThat(stranger.awaitEnded(ANSWER)).isTrue();
        assertThat(Json.asString(Json.asObject(stranger.messages().getLast().get("error")).get("message")))
                .contains("longer than a client hello");
        assertThat(registry.size()).isZero();

        LinePeer proxy = serve(PeerCredentials.unknown(), TransportKind.TCP);
        proxy.awaitLine(1);
        Map<String, Object> withToken = new LinkedHashMap<>(hello(4242, null));
        withToken.put("token", TOKEN.text());
        proxy.send(withToken);
        ping(proxy, 1);
        assertThat(registry.size()).isEqualTo(1);
    }

    @Test
    @DisplayName("ADR 0011: a one-shot mcpd command says role cli in its hello, and the registry keeps it")
    void aCliHelloIsLabelled() throws Exception {
        LinePeer client = serve(new PeerCredentials(0, probe.start(STARTED)), TransportKind.UNIX_SOCKET);
        Map<String, Object> cli = new LinkedHashMap<>(hello(1, null));
        cli.put("role", "cli");
        client.send(cli);
        ping(client, 1);

        assertThat(registry.snapshot().getFirst().description().isCli()).isTrue();
    }

    // ---- helpers ----

    private Pid hostStoredFor(long proxy, long host) throws Exception {
        LinePeer client = serve(new PeerCredentials(0, proxy), TransportKind.UNIX_SOCKET);
        client.send(hello(proxy, host));
        ping(client, 1);
        Pid stored = registry.snapshot().getFirst().hostPid();
        client.close();
        await().atMost(ANSWER).until(() -> registry.size() == 0);
        peers.remove(client);
        return stored;
    }

    private ClientConnectionHandler handler(DaemonSettings.Admission admission, AccessToken token) {
        DaemonSettings d = DaemonSettings.DEFAULTS;
        return new ClientConnectionHandler(
                new DaemonIdentity("1.2.3", new Pid(DAEMON_PID, Instant.parse("2026-01-01T00:00:00Z")), 1000, "user:1000",
                        token),
                new DaemonSettings(d.idleTimeout(), d.checkInterval(), d.shutdownGrace(), Duration.ofMinutes(1), MAX_LINE,
                        100, d.clientSweep(), d.maxIdle(), admission),
                new ConnectionServices(new ServerInfo("mcpd", "1.2.3", null), new ToolCatalog(List.of(memory)), registry,
                        probe, new TestJsonCodec(), activity, clock, Ticker.system()));
    }

    /** Serves one connection as a transport does: the handler on its own thread, the connection closed after it. */
    private LinePeer serve(PeerCredentials kernel, TransportKind kind) throws IOException {
        PipedConnection connection = new PipedConnection(kernel, kind);
        ClientConnectionHandler serving = handler;
        Thread.ofVirtual().name("handler").start(() -> {
            try {
                serving.handle(connection);
            } finally {
                connection.close();
            }
        });
        LinePeer peer = connection.farSide();
        peers.add(peer);
        return peer;
    }

    private static Map<String, Object> hello(long pid, Long hostPid) {
        return Json.object("mcpd_client", 1, "pid", pid, "hostPid", hostPid);
    }

    private static void ping(LinePeer client, int id) throws IOException {
        client.send(Json.object("jsonrpc", "2.0", "id", id, "method", "ping"));
        assertThat(client.awaitResponse(id)).containsEntry("result", Map.of());
    }
}
