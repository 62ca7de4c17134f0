package dev.mcpd.application.proxy;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mcpd.application.daemon.HelloProtocol;
import dev.mcpd.application.jsonrpc.JsonRpc;
import dev.mcpd.application.mcp.Json;
import dev.mcpd.application.wire.LinePeer;
import dev.mcpd.application.wire.LineReader;
import dev.mcpd.application.wire.PipedConnection;
import dev.mcpd.application.wire.TestJsonCodec;
import dev.mcpd.domain.fake.InMemoryLivenessProbe;
import dev.mcpd.domain.model.ClientHello;
import dev.mcpd.domain.model.DaemonHello;
import dev.mcpd.domain.model.Endpoint;
import dev.mcpd.domain.model.PeerCredentials;
import dev.mcpd.domain.model.TransportKind;
import dev.mcpd.domain.port.Connection;
import dev.mcpd.domain.testing.TestTime;
import dev.mcpd.domain.time.Ticker;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** {@link StdioProxy} between a pretend host (stdin pipe, captured stdout) and a pretend daemon, or none. */
class StdioProxyTest {

    private static final Duration ANSWER = LinePeer.ANSWER;
    private static final long PROXY_PID = 4242;
    private static final ClientHello HELLO = new ClientHello(PROXY_PID, 4000L, Map.of("DOCKER_HOST", "unix:///run/podman.sock"), null);

    private final TestJsonCodec codec = new TestJsonCodec();
    private final FakeInProcessServer inProcess = new FakeInProcessServer();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private final Host host = new Host();
    private CompletableFuture<Integer> exit;
    private final InMemoryLivenessProbe probe = new InMemoryLivenessProbe();
    private final long parent = probe.start(Instant.parse("2026-01-01T00:00:00Z"));
    private final AtomicLong currentParent = new AtomicLong(parent);
    private final CompletableFuture<Integer> exitedByWatchdog = new CompletableFuture<>();
    private Duration reconnectDelay = Duration.ZERO;
    private HostWatchdog watchdog = new HostWatchdog(probe, null, currentParent::get, Duration.ofMinutes(1), Duration.ZERO);
    private LinePeer daemon;

    StdioProxyTest() throws IOException {}

    @AfterEach
    void closeEverything() throws Exception {
        host.closeStdin();
        if (daemon != null) {
            daemon.close();
        }
        if (exit != null) {
            exit.get(ANSWER.toMillis() * 2, TimeUnit.MILLISECONDS);
        }
    }

    @Test
    @DisplayName("B-G4 with no daemon reachable the proxy serves the session in-process")
    void servesInProcessWithoutDaemon() throws Exception {
        start(() -> new DaemonFinder.Result.NotReachable("no daemon record"));

        host.send(request(1, "initialize", Json.object("protocolVersion", "2025-06-18")));
        host.send(Json.object("jsonrpc", "2.0", "method", "notifications/initialized"));
        host.send(request(2, "tools/list", null));
        host.send(call(3, "echo", Json.object("text", "hi")));

        assertThat(result(host.awaitResponse(1))).containsEntry("protocolVersion", "2025-06-18");
        assertThat(Json.asArray(result(host.awaitResponse(2)).get("tools"))).hasSize(3);
        assertThat(text(host.awaitResponse(3))).isEqualTo("hi");
        assertThat(inProcess.opened.get()).isEqualTo(1);

        host.closeStdin();
        assertThat(exit.get(ANSWER.toMillis(), TimeUnit.MILLISECONDS)).isZero();
        assertThat(inProcess.closed).isTrue();
        assertThat(stderr.size()).as("B-G7 the proxy is quiet on stderr").isZero();
        host.assertOnlyJsonRpcOnStdout();
    }

    @Test
    @DisplayName("B-G1 stdin EOF ends the proxy with 0, after the calls already sent are answered")
    void stdinEofAnswersPendingThenExitsZero() throws Exception {
        start(() -> new DaemonFinder.Result.NotReachable("no daemon record"));

        host.send(call(9, "sleep", Json.object("millis", 300)));
        host.send(request(10, "ping", null));
        host.closeStdin();

        assertThat(exit.get(ANSWER.toMillis(), TimeUnit.MILLISECONDS)).isZero();
        // stdout is captured synchronously: whatever the proxy wrote before returning is here now
        assertThat(host.responsesTo(9)).hasSize(1);
        assertThat(text(host.responsesTo(9).getFirst())).isEqualTo("slept 300 ms");
        assertThat(host.responsesTo(10)).hasSize(1);
    }

    @Test
    @DisplayName("B-G3 when the daemon drops, pending requests are re-served or answered -32001, and the session goes on")
    void daemonDropAnswersEveryPendingRequest() throws Exception {
        startWithDaemon("1.2.3");

        Map<String, Object> clientHello = parse(daemon.awaitLine(1));
        assertThat(clientHello).containsEntry("mcpd_client", 1).containsEntry("pid", (int) PROXY_PID)
                .containsEntry("hostPid", 4000).containsEntry("env", Map.of("DOCKER_HOST", "unix:///run/podman.sock"));

        host.send(request(1, "ping", null));
        assertThat(parse(daemon.awaitLine(2))).containsEntry("id", 1).containsEntry("method", "ping");
        daemon.send(Json.object("jsonrpc", "2.0", "id", 1, "result", Json.object("answeredBy", "daemon")));
        assertThat(result(host.awaitResponse(1))).containsEntry("answeredBy", "daemon");

        host.send(call(2, "echo", Json.object("text", "read-only")));
        host.send(request(3, "ping", null));
        host.send(call(4, "create_thing", Json.object()));
        daemon.awaitLine(5); // the daemon has received all three: they are in flight
        daemon.close();

        assertThat(text(host.awaitResponse(2))).isEqualTo("read-only");
        assertThat(result(host.awaitResponse(3))).isEmpty();
        Map<String, Object> lost = error(host.awaitResponse(4));
        assertThat(lost).containsEntry("code", JsonRpc.DAEMON_LOST);
        assertThat(Json.asString(lost.get("message"))).contains("create_thing").contains("may have run");
        assertThat(inProcess.thingsCreated.get()).as("a tool that is not read-only is never re-run").isZero();

        host.send(call(5, "echo", Json.object("text", "still here")));
        assertThat(text(host.awaitResponse(5))).isEqualTo("still here");
        for (int id = 1; id <= 5; id++) {
            assertThat(host.responsesTo(id)).as("answers to id %d", id).hasSize(1);
        }
        assertThat(inProcess.opened.get()).isEqualTo(1);
        host.closeStdin();
        assertThat(exit.get(ANSWER.toMillis(), TimeUnit.MILLISECONDS)).isZero();
        assertThat(stderr.size()).isZero();
        host.assertOnlyJsonRpcOnStdout();
    }

    @Test
    @DisplayName("B-G3 a request sent after the daemon vanished is answered in-process")
    void requestAfterDaemonVanishedIsAnswered() throws Exception {
        startWithDaemon("1.2.3");
        daemon.awaitLine(1);
        daemon.close();

        host.send(request(1, "ping", null));
        host.send(call(2, "echo", Json.object("text", "after")));

        assertThat(result(host.awaitResponse(1))).isEmpty();
        assertThat(text(host.awaitResponse(2))).isEqualTo("after");
        assertThat(host.responsesTo(1)).hasSize(1);
    }

    @Test
    @DisplayName("B-G1 on stdin EOF the proxy waits for the daemon's answers to requests already sent")
    void stdinEofWaitsForTheDaemonsAnswers() throws Exception {
        startWithDaemon("1.2.3");
        daemon.awaitLine(1);

        host.send(call(1, "echo", Json.object("text", "via daemon")));
        daemon.awaitLine(2);
        host.closeStdin();
        daemon.send(Json.object("jsonrpc", "2.0", "id", 1, "result",
                Json.object("content", List.of(Json.object("type", "text", "text", "from daemon")), "isError", false)));

        assertThat(exit.get(ANSWER.toMillis(), TimeUnit.MILLISECONDS)).isZero();
        assertThat(host.responsesTo(1)).hasSize(1);
        assertThat(text(host.responsesTo(1).getFirst())).isEqualTo("from daemon");
        assertThat(inProcess.opened.get()).as("no fallback was needed").isZero();
    }

    @Test
    @DisplayName("B-M7 B-G1 a request the host cancelled is not waited for at stdin EOF, nor answered after a daemon loss")
    void cancelledRequestIsNoLongerPending() throws Exception {
        startWithDaemon("1.2.3");
        daemon.awaitLine(1);
        host.send(call(7, "sleep", Json.object("millis", 60_000)));
        host.send(Json.object("jsonrpc", "2.0", "method", "notifications/cancelled", "params", Json.object("requestId", 7)));
        daemon.awaitLine(3); // the daemon got the call and its cancellation; it sends nothing for 7 (B-M7)

        long begun = System.nanoTime();
        host.closeStdin();

        assertThat(exit.get(ANSWER.toMillis() * 2, TimeUnit.MILLISECONDS)).isZero();
        assertThat(Duration.ofNanos(System.nanoTime() - begun)).isLessThan(TestTime.millis(1_000));
        assertThat(host.responsesTo(7)).isEmpty();
    }

    @Test
    @DisplayName("B-W5 a daemon of another version is not used: the proxy says so once on stderr and serves in-process")
    void versionMismatchServesInProcess() throws Exception {
        LinePeer oldDaemon = startWithOldDaemon();

        host.send(request(1, "ping", null));

        assertThat(result(host.awaitResponse(1))).isEmpty();
        String said = stderr.toString(UTF_8);
        assertThat(said.lines()).hasSize(1);
        assertThat(said).contains("0.0.9").contains("31337").contains("in-process");
        assertThat(parse(oldDaemon.awaitLine(1))).containsEntry("mcpd_client", 1);
        Map<String, Object> statusCall = parse(oldDaemon.awaitLine(2));
        assertThat(Json.asObject(statusCall.get("params"))).containsEntry("name", "daemon_status");
        assertThat(oldDaemon.lines()).as("no session message reaches the old daemon")
                .noneMatch(l -> l.contains("\"ping\""));
        oldDaemon.close();
    }

    @Test
    @DisplayName("B-W5 the old daemon is asked to stop when this proxy is its only client")
    void oldDaemonWithNoOtherClientIsAskedToStop() throws Exception {
        LinePeer oldDaemon = startWithOldDaemon();
        Map<String, Object> statusCall = parse(oldDaemon.awaitLine(2));
        oldDaemon.send(Json.object("jsonrpc", "2.0", "id", statusCall.get("id"), "result", Json.object("structuredContent",
                Json.object("clients", List.of(Json.object("proxyPid", (int) PROXY_PID))))));

        Map<String, Object> stopCall = parse(oldDaemon.awaitLine(3));
        Map<String, Object> params = Json.asObject(stopCall.get("params"));
        assertThat(params).containsEntry("name", "daemon_stop");
        assertThat(Json.asString(Json.asObject(params.get("arguments")).get("reason"))).contains("replaced by mcpd version 1.2.3");
        oldDaemon.send(Json.object("jsonrpc", "2.0", "id", stopCall.get("id"), "result", Json.object()));
        assertThat(oldDaemon.awaitEnded(ANSWER)).as("the proxy hangs up on the old daemon").isTrue();
    }

    @Test
    @DisplayName("B-W5 an old daemon that still serves other sessions is left running")
    void oldDaemonWithOtherClientsIsLeftAlone() throws Exception {
        LinePeer oldDaemon = startWithOldDaemon();
        Map<String, Object> statusCall = parse(oldDaemon.awaitLine(2));
        oldDaemon.send(Json.object("jsonrpc", "2.0", "id", statusCall.get("id"), "result", Json.object("structuredContent",
                Json.object("clients", List.of(Json.object("proxyPid", (int) PROXY_PID), Json.object("proxyPid", 777))))));

        assertThat(oldDaemon.awaitEnded(ANSWER)).as("the proxy hangs up on the old daemon").isTrue();
        assertThat(oldDaemon.lines()).hasSize(2).noneMatch(l -> l.contains("daemon_stop"));
    }

    @Test
    @DisplayName("B-G1 the host named by MCPD_HOST_PID dies while stdin stays open: the proxy closes up and exits 0")
    void namedHostDeathEndsTheProxy() throws Exception {
        long hostPid = probe.start(Instant.parse("2026-01-01T00:00:01Z"));
        watchdog = new HostWatchdog(probe, hostPid, currentParent::get, Duration.ofMillis(20), Duration.ZERO);
        startWithDaemon("1.2.3");
        daemon.awaitLine(1);
        host.send(request(1, "ping", null));
        daemon.awaitLine(2);
        await().during(TestTime.millis(100)).atMost(ANSWER).until(() -> !exitedByWatchdog.isDone());
        assertThat(exitedByWatchdog).as("a live host keeps the proxy").isNotDone();

        probe.kill(hostPid);

        assertThat(exitedByWatchdog.get(ANSWER.toMillis(), TimeUnit.MILLISECONDS)).isZero();
        assertThat(daemon.awaitEnded(ANSWER)).as("the daemon connection is closed").isTrue();
        assertThat(stderr.size()).isZero();
    }

    @Test
    @DisplayName("B-G1 the proxy's parent pid changes (the host died, the proxy was reparented): the proxy exits 0")
    void parentChangeEndsTheProxy() throws Exception {
        watchdog = new HostWatchdog(probe, null, currentParent::get, Duration.ofMillis(20), Duration.ZERO);
        start(() -> new DaemonFinder.Result.NotReachable("no daemon record"));
        host.send(request(1, "ping", null));
        host.awaitResponse(1);

        currentParent.set(1);

        assertThat(exitedByWatchdog.get(ANSWER.toMillis(), TimeUnit.MILLISECONDS)).isZero();
        assertThat(inProcess.closed).isTrue();
    }

    @Test
    @DisplayName("B-G2 no byte from the host within the startup window: the proxy exits 0")
    void silentHostEndsTheProxyAfterTheStartupWindow() throws Exception {
        watchdog = new HostWatchdog(probe, null, currentParent::get, Duration.ofMinutes(1), TestTime.millis(200));
        long begun = System.nanoTime();
        start(() -> new DaemonFinder.Result.NotReachable("no daemon record"));

        assertThat(exitedByWatchdog.get(ANSWER.toMillis(), TimeUnit.MILLISECONDS)).isZero();
        assertThat(Duration.ofNanos(System.nanoTime() - begun)).isGreaterThanOrEqualTo(TestTime.millis(200));
    }

    @Test
    @DisplayName("B-G2 a host that spoke within the startup window keeps its proxy past it")
    void hostThatSpokeKeepsItsProxy() throws Exception {
        watchdog = new HostWatchdog(probe, null, currentParent::get, Duration.ofMillis(20), TestTime.millis(200));
        start(() -> new DaemonFinder.Result.NotReachable("no daemon record"));
        host.send(request(1, "ping", null));
        host.awaitResponse(1);

        await().during(TestTime.millis(400)).atMost(ANSWER).until(() -> !exitedByWatchdog.isDone());

        assertThat(exitedByWatchdog).isNotDone();
    }

    @Test
    @DisplayName("B-G5 after a daemon loss the proxy rejoins a new daemon, replays initialize, and moves back when quiet")
    void rejoinsANewDaemonAndMovesTheSessionBack() throws Exception {
        reconnectDelay = Duration.ofMillis(20);
        PipedConnection first = new PipedConnection(PeerCredentials.unknown());
        PipedConnection second = new PipedConnection(PeerCredentials.unknown());
        LinePeer firstDaemon = first.farSide();
        LinePeer secondDaemon = second.farSide();
        firstDaemon.send(HelloProtocol.daemonHello(new DaemonHello("1.2.3", DaemonHello.PROTOCOL, 31337, "user:1000")));
        secondDaemon.send(HelloProtocol.daemonHello(new DaemonHello("1.2.3", DaemonHello.PROTOCOL, 31338, "user:1000")));
        AtomicInteger finds = new AtomicInteger();
        start(() -> switch (finds.incrementAndGet()) {
            case 1 -> found(first);
            case 2 -> new DaemonFinder.Result.NotReachable("the new daemon is still starting");
            default -> found(second);
        });
        firstDaemon.awaitLine(1);
        host.send(request(1, "initialize", Json.object("protocolVersion", "2025-06-18")));
        firstDaemon.awaitLine(2);
        firstDaemon.send(Json.object("jsonrpc", "2.0", "id", 1, "result", Json.object("protocolVersion", "2025-06-18")));
        host.awaitResponse(1);
        host.send(call(2, "sleep", Json.object("millis", 400)));
        firstDaemon.awaitLine(3);
        firstDaemon.close();

        // the read-only call in flight is re-served in-process; the move waits until it has finished
        assertThat(text(host.awaitResponse(2))).isEqualTo("slept 400 ms");
        assertThat(parse(secondDaemon.awaitLine(1))).containsEntry("mcpd_client", 1);
        Map<String, Object> replayed = parse(secondDaemon.awaitLine(2));
        assertThat(replayed).containsEntry("method", "initialize").containsEntry("id", "mcpd-proxy-rejoin");
        secondDaemon.send(Json.object("jsonrpc", "2.0", "id", "mcpd-proxy-rejoin", "result", Json.object()));
        assertThat(parse(secondDaemon.awaitLine(3))).containsEntry("method", "notifications/initialized");

        await().atMost(ANSWER).until(() -> {
            host.send(request("probe-" + System.nanoTime(), "ping", null));
            return secondDaemon.lines().size() > 3;
        });
        Map<String, Object> forwarded = parse(secondDaemon.lines().get(3));
        assertThat(forwarded).containsEntry("method", "ping");
        secondDaemon.send(Json.object("jsonrpc", "2.0", "id", forwarded.get("id"), "result", Json.object("from", "second")));
        assertThat(result(host.awaitResponse(forwarded.get("id")))).containsEntry("from", "second");
        assertThat(host.responsesTo("mcpd-proxy-rejoin")).as("the replayed initialize is not answered to the host").isEmpty();
        assertThat(host.responsesTo(1)).hasSize(1);
        assertThat(host.responsesTo(2)).hasSize(1);
        assertThat(stderr.size()).isZero();
        secondDaemon.close();
    }

    @Test
    @DisplayName("B-G3 review finding 14: an answer the lost daemon had sent is dropped once the proxy answered the request itself")
    void aLateAnswerFromALostDaemonIsNeverASecondAnswer() throws Exception {
        RacingDaemon racing = new RacingDaemon();
        start(() -> new DaemonFinder.Result.Found(new DaemonLink(racing, new LineReader(racing.input(), 1 << 20),
                new DaemonHello("1.2.3", DaemonHello.PROTOCOL, 31337, "user:1000"))));
        host.send(call(1, "create_thing", Json.object()));
        await().atMost(ANSWER).until(() -> racing.written.size() == 2); // the hello, then request 1
        // The daemon has run create_thing and its answer is on the way, but the next write finds the socket broken:
        racing.breakWrites();
        host.send(request(2, "ping", null));
        Map<String, Object> lost = error(host.awaitResponse(1));
        assertThat(lost).containsEntry("code", JsonRpc.DAEMON_LOST);
        host.awaitResponse(2);
        // ... and only now does the pump get the daemon's answer to request 1 (the race of review finding 14).
        racing.deliver("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"content\":[]}}\n");
        assertThat(racing.drained.await(ANSWER.toMillis(), TimeUnit.MILLISECONDS)).as("the pump read the late answer").isTrue();
        host.send(request(3, "ping", null));
        host.awaitResponse(3); // the host's stdout is written in order: anything the pump forwarded is there by now
        assertThat(host.responsesTo(1)).as("exactly one answer to request 1").hasSize(1);
        assertThat(host.responsesTo(2)).hasSize(1);
        assertThat(inProcess.thingsCreated.get()).isZero();
    }

    // ---- helpers ----

    /**
     * A daemon connection whose timing the test drives: writes are recorded until {@link #breakWrites()}, then fail
     * as a broken pipe; reads block until {@link #deliver} hands over bytes, then report end of stream. Closing it
     * does not discard what was delivered: those bytes were already in the proxy's socket buffer.
     */
    private static final class RacingDaemon implements Connection {
        final List<String> written = new CopyOnWriteArrayList<>();
        final CountDownLatch drained = new CountDownLatch(1);
        private final CompletableFuture<byte[]> delivery = new CompletableFuture<>();
        private volatile boolean broken;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();
        private final InputStream in = new InputStream() {
            private ByteArrayInputStream bytes;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (bytes == null) {
                    bytes = new ByteArrayInputStream(delivery.join());
                }
                int n = bytes.read(b, off, len);
                if (n < 0) {
                    drained.countDown();
                }
                return n;
            }
        };
        private final OutputStream out = new OutputStream() {
            @Override
            public synchronized void write(int b) throws IOException {
                if (broken) {
                    throw new IOException("Broken pipe");
                }
                if (b == '\n') {
                    written.add(line.toString(UTF_8));
                    line.reset();
                } else {
                    line.write(b);
                }
            }
        };

        void breakWrites() {
            broken = true;
        }

        void deliver(String bytes) {
            delivery.complete(bytes.getBytes(UTF_8));
        }

        @Override
        public Endpoint endpoint() {
            return new Endpoint(TransportKind.IN_MEMORY, "racing");
        }

        @Override
        public PeerCredentials peer() {
            return PeerCredentials.unknown();
        }

        @Override
        public InputStream input() {
            return in;
        }

        @Override
        public OutputStream output() {
            return out;
        }

        @Override
        public boolean isOpen() {
            return !broken;
        }

        @Override
        public void close() {
            broken = true;
        }
    }

    /** Starts the proxy against a daemon of version 0.0.9 (this build: 1.2.3); returns the old daemon's side. */
    private LinePeer startWithOldDaemon() throws IOException {
        PipedConnection old = new PipedConnection(PeerCredentials.unknown());
        LinePeer oldDaemon = old.farSide();
        DaemonHello oldHello = new DaemonHello("0.0.9", 1, 31337, "user:1000");
        start(() -> new DaemonFinder.Result.VersionMismatch(new DaemonLink(old, new LineReader(old.input(), 1 << 20), oldHello),
                "1.2.3"));
        return oldDaemon;
    }

    private DaemonFinder.Result found(PipedConnection link) {
        try {
            LineReader reader = new LineReader(link.input(), 1 << 20);
            byte[] line = reader.readLine();
            DaemonHello hello = HelloProtocol.readDaemonHello(codec.parse(line, 0, line.length));
            return new DaemonFinder.Result.Found(new DaemonLink(link, reader, hello));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void start(Supplier<DaemonFinder.Result> finder) {
        StdioProxy proxy = new StdioProxy(finder, inProcess, codec,
                new ProxySettings(1 << 20, Backoff.reconnect(reconnectDelay), Map.of(), () -> HELLO),
                new PrintStream(stderr, true, UTF_8), watchdog, exitedByWatchdog::complete, Ticker.system());
        exit = new CompletableFuture<>();
        Thread.ofVirtual().name("proxy").start(() -> {
            try {
                exit.complete(proxy.run(host.stdinForProxy(), host.stdout));
            } catch (Throwable t) {
                exit.completeExceptionally(t);
            }
        });
    }

    /** Starts the proxy against a pretend daemon of {@code version}, which has already sent its hello. */
    private void startWithDaemon(String version) throws IOException {
        PipedConnection link = new PipedConnection(PeerCredentials.unknown());
        daemon = link.farSide();
        daemon.send(HelloProtocol.daemonHello(new DaemonHello(version, DaemonHello.PROTOCOL, 31337, "user:1000")));
        start(() -> {
            // what DaemonFinder does on connect: read the daemon's hello, keep the reader positioned after it
            try {
                LineReader reader = new LineReader(link.input(), 1 << 20);
                byte[] line = reader.readLine();
                DaemonHello hello = HelloProtocol.readDaemonHello(codec.parse(line, 0, line.length));
                return new DaemonFinder.Result.Found(new DaemonLink(link, reader, hello));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private Map<String, Object> parse(String line) {
        byte[] bytes = line.getBytes(UTF_8);
        return Json.asObject(codec.parse(bytes, 0, bytes.length));
    }

    private static Map<String, Object> request(Object id, String method, Object params) {
        return Json.object("jsonrpc", "2.0", "id", id, "method", method, "params", params);
    }

    private static Map<String, Object> call(Object id, String tool, Map<String, Object> arguments) {
        return request(id, "tools/call", Json.object("name", tool, "arguments", arguments));
    }

    private static Map<String, Object> result(Map<String, Object> response) {
        assertThat(response).as("a result").containsKey("result");
        return Json.asObject(response.get("result"));
    }

    private static Map<String, Object> error(Map<String, Object> response) {
        assertThat(response).as("an error").containsKey("error");
        return Json.asObject(response.get("error"));
    }

    private static String text(Map<String, Object> response) {
        return Json.asString(Json.asObject(Json.asArray(result(response).get("content")).getFirst()).get("text"));
    }

    /** The host: writes the proxy's stdin through a pipe, captures its stdout line by line as it is written. */
    private final class Host {
        private final Pipe stdin = Pipe.open();
        private final OutputStream toProxy = Channels.newOutputStream(stdin.sink());
        final CapturedLines stdout = new CapturedLines();

        Host() throws IOException {}

        InputStream stdinForProxy() {
            return Channels.newInputStream(stdin.source());
        }

        synchronized void send(Map<String, Object> message) throws IOException {
            toProxy.write(codec.write(message));
            toProxy.write('\n');
            toProxy.flush();
        }

        void closeStdin() throws IOException {
            toProxy.close();
        }

        List<Map<String, Object>> responsesTo(Object id) {
            return stdout.lines.stream().map(StdioProxyTest.this::parse)
                    .filter(m -> !m.containsKey("method") && LinePeer.sameId(m.get("id"), id)).toList();
        }

        Map<String, Object> awaitResponse(Object id) {
            await().atMost(ANSWER).pollInterval(Duration.ofMillis(2)).until(() -> !responsesTo(id).isEmpty());
            return responsesTo(id).getFirst();
        }

        void assertOnlyJsonRpcOnStdout() {
            assertThat(stdout.lines).isNotEmpty().allSatisfy(line -> assertThat(parse(line)).containsEntry("jsonrpc", "2.0"));
        }
    }

    /** An OutputStream that records each complete line the moment its newline is written. */
    private static final class CapturedLines extends OutputStream {
        final List<String> lines = new CopyOnWriteArrayList<>();
        private final ByteArrayOutputStream current = new ByteArrayOutputStream();

        @Override
        public synchronized void write(int b) {
            if (b == '\n') {
                lines.add(current.toString(UTF_8));
                current.reset();
            } else {
                current.write(b);
            }
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            for (int i = off; i < off + len; i++) {
                write(b[i]);
            }
        }
    }
}
