package dev.mcpd.application.proxy;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mcpd.application.daemon.HelloProtocol;
import dev.mcpd.application.mcp.Json;
import dev.mcpd.application.mcp.JsonRpc;
import dev.mcpd.application.wire.LinePeer;
import dev.mcpd.application.wire.LineReader;
import dev.mcpd.application.wire.PipedConnection;
import dev.mcpd.application.wire.TestJsonCodec;
import dev.mcpd.domain.model.ClientHello;
import dev.mcpd.domain.model.DaemonHello;
import dev.mcpd.domain.model.PeerCredentials;
import dev.mcpd.domain.testing.TestTime;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
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
        PipedConnection old = new PipedConnection(PeerCredentials.unknown());
        DaemonHello oldHello = new DaemonHello("0.0.9", 1, 31337, "user:1000");
        start(() -> new DaemonFinder.Result.VersionMismatch(new DaemonLink(old, new LineReader(old.input(), 1 << 20), oldHello)));

        host.send(request(1, "ping", null));

        assertThat(result(host.awaitResponse(1))).isEmpty();
        String said = stderr.toString(UTF_8);
        assertThat(said.lines()).hasSize(1);
        assertThat(said).contains("0.0.9").contains("31337").contains("in-process");
        assertThat(old.isOpen()).as("the proxy hangs up on a daemon of another build").isFalse();
    }

    // ---- helpers ----

    private void start(Supplier<DaemonFinder.Result> finder) {
        StdioProxy proxy = new StdioProxy(finder, inProcess, codec, HELLO, Map.of(), 1 << 20,
                new PrintStream(stderr, true, UTF_8));
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

        java.io.InputStream stdinForProxy() {
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
