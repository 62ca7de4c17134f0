package dev.mcpd.bootstrap.it;

import static dev.mcpd.domain.testing.TestTime.scaled;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpd.testing.McpdScope;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;

/**
 * The daemon's shutdown and its framing under stress, with a real {@code mcpd daemon run} process and raw Unix-socket
 * clients that misbehave as the review's probes did (B-E1, B-E2, B-W1, B-L6; review findings 2, 6, 17 and 23).
 */
class ShutdownIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration GRACE = Duration.ofSeconds(2);
    private static final Duration START = scaled(Duration.ofSeconds(30));
    private static final Duration ANSWER = scaled(Duration.ofSeconds(10));

    private McpdScope mcpd;
    private final List<Process> daemons = new ArrayList<>();
    private final List<AFUNIXSocket> sockets = new ArrayList<>();

    @BeforeEach
    void harness() throws Exception {
        mcpd = ItScope.create().env("MCPD_DAEMON_SHUTDOWN_GRACE", GRACE.toMillis() + "ms");
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (AFUNIXSocket socket : sockets) {
            socket.close();
        }
        for (Process daemon : daemons) {
            daemon.destroyForcibly();
            daemon.waitFor(10, TimeUnit.SECONDS);
        }
        mcpd.close();
    }

    @Test
    void aClientThatStopsReadingWithACallInFlightCannotHoldUpShutdown() throws Exception { // B-E2, review finding 2 (P2)
        Process daemon = startDaemon();
        AFUNIXSocket stuck = connect();
        InputStream fromDaemon = new BufferedInputStream(stuck.getInputStream());
        readLine(fromDaemon); // the daemon's hello
        OutputStream toDaemon = stuck.getOutputStream();
        send(toDaemon, call(1, "diag_sleep", Map.of("millis", 60_000), null));
        // An answer of about 3 MiB that the client never reads: larger than every socket buffer, so the daemon is
        // left part-way through writing it; then requests pipelined behind it, unread too.
        send(toDaemon, call(2, "diag_echo", Map.of("text", "e".repeat(1024 * 1024)), null));
        // Sent from a thread of their own: once the daemon stops reading, these writes block too (each small write
        // costs the kernel ~1 KiB of socket buffer, so 200 of them can fill it; CI saw the test thread stuck here)
        Thread.ofVirtual().start(() -> {
            try {
                for (int id = 3; id < 200; id++) {
                    send(toDaemon, Map.of("jsonrpc", "2.0", "id", id, "method", "tools/list"));
                }
            } catch (IOException e) {
                // the daemon closed the connection: what this test expects in the end
            }
        });
        await().atMost(ANSWER).until(() -> fromDaemon.available() > 64 * 1024); // the daemon is blocked on this peer
        AFUNIXSocket bystander = connect();
        readLine(bystander.getInputStream());

        sigtermEndsItWithinGraceAndFreesTheScope(daemon);
    }

    @Test
    void aClientThatPipelinesRequestsWithoutReadingCannotHoldUpShutdown() throws Exception { // B-E2, review finding 2 (P2)
        Process daemon = startDaemon();
        AFUNIXSocket stuck = connect();
        InputStream fromDaemon = new BufferedInputStream(stuck.getInputStream());
        readLine(fromDaemon);
        OutputStream toDaemon = stuck.getOutputStream();
        send(toDaemon, call(1, "diag_sleep", Map.of("millis", 60_000), null));
        // Thousands of tools/list answers, never read: far more than the socket buffers and the daemon's queue hold.
        // Sent from a thread of their own: once the daemon stops reading, these writes block too.
        Thread pipeliner = Thread.ofVirtual().start(() -> {
            try {
                for (int id = 2; id < 3000; id++) {
                    send(toDaemon, Map.of("jsonrpc", "2.0", "id", id, "method", "tools/list"));
                }
            } catch (IOException e) {
                // the daemon closed the connection: what this test expects in the end
            }
        });
        await().atMost(ANSWER).until(() -> fromDaemon.available() > 64 * 1024);

        sigtermEndsItWithinGraceAndFreesTheScope(daemon);
        pipeliner.join(ANSWER);
    }

    /** SIGTERM; the daemon exits 0 within the grace period, removes its record, and a new daemon can take the scope. */
    private void sigtermEndsItWithinGraceAndFreesTheScope(Process daemon) throws Exception {
        long begun = System.nanoTime();
        daemon.destroy(); // SIGTERM

        assertThat(daemon.waitFor(scaled(GRACE).toMillis(), TimeUnit.MILLISECONDS))
                .as("the daemon exits within the grace period of %s", GRACE).isTrue();
        assertThat(daemon.exitValue()).as("an orderly exit: nothing needed forcing").isZero();
        assertThat(mcpd.stateDir().resolve("daemon.json")).doesNotExist();
        assertThat(Duration.ofNanos(System.nanoTime() - begun)).isLessThan(scaled(GRACE));
        Process next = startDaemon();
        assertThat(mcpd.recordedDaemonPid()).as("the lock was released: a new daemon serves the scope").contains(next.pid());
    }

    @Test
    void cancellingCallsWhoseProgressThePeerDoesNotReadNeverTearsALine() throws Exception { // B-W1, B-M7, review finding 6 (P9)
        startDaemon();
        AFUNIXSocket client = connect();
        InputStream fromDaemon = new BufferedInputStream(client.getInputStream(), 1 << 20);
        readLine(fromDaemon);
        OutputStream toDaemon = client.getOutputStream();
        String token = "t".repeat(150_000); // every progress notification is a 150 KB line
        for (int id = 1; id <= 4; id++) {
            send(toDaemon, call(id, "diag_sleep", Map.of("millis", 30_000), token + id));
        }
        await().atMost(ANSWER).until(() -> fromDaemon.available() > 100 * 1024); // the peer has stopped reading

        for (int id = 1; id <= 4; id++) {
            send(toDaemon, Map.of("jsonrpc", "2.0", "method", "notifications/cancelled", "params", Map.of("requestId", id)));
        }
        send(toDaemon, Map.of("jsonrpc", "2.0", "id", "after", "method", "ping"));
        send(toDaemon, Map.of("jsonrpc", "2.0", "id", "last", "method", "ping"));

        List<JsonNode> messages = new ArrayList<>();
        long until = System.nanoTime() + ANSWER.toNanos();
        while (messages.stream().noneMatch(m -> "last".equals(m.path("id").asText())) && System.nanoTime() < until) {
            byte[] line = readLine(fromDaemon);
            try {
                messages.add(JSON.readTree(line));
            } catch (IOException e) {
                throw new AssertionError("a malformed line of " + line.length + " bytes: "
                        + new String(line, 0, Math.min(200, line.length), UTF_8) + "…", e);
            }
        }
        assertThat(messages.stream().filter(m -> "after".equals(m.path("id").asText())))
                .as("the ping is answered exactly once").hasSize(1);
        assertThat(messages.stream().filter(m -> "last".equals(m.path("id").asText()))).hasSize(1);
        assertThat(messages.stream().filter(m -> m.has("id") && m.path("id").isInt()))
                .as("no answer to a cancelled call (B-M7)").isEmpty();
    }

    @Test
    void sighupStopsTheDaemonInOrder() throws Exception { // B-E1, review finding 23
        Process daemon = startDaemon();

        signal(daemon, "HUP");

        assertThat(daemon.waitFor(ANSWER.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        assertThat(daemon.exitValue()).isZero();
        assertThat(mcpd.stateDir().resolve("daemon.json")).doesNotExist();
        assertThat(Files.readString(mcpd.stateDir().resolve("daemon-exits.log"))).contains("exit 0: SIGHUP");
    }

    @Test
    void aSecondSigtermForcesTheShutdownInsteadOfBeingIgnored() throws Exception { // B-E2, review finding 2
        mcpd.env("MCPD_DAEMON_SHUTDOWN_GRACE", "60s");
        Process daemon = startDaemon();
        AFUNIXSocket client = connect();
        InputStream fromDaemon = new BufferedInputStream(client.getInputStream());
        readLine(fromDaemon);
        send(client.getOutputStream(), call(1, "diag_sleep", Map.of("millis", 60_000), "p"));
        assertThat(JSON.readTree(readLine(fromDaemon)).path("method").asText()).as("the call is running")
                .isEqualTo("notifications/progress");

        signal(daemon, "TERM");
        signal(daemon, "TERM");

        assertThat(daemon.waitFor(scaled(Duration.ofSeconds(5)).toMillis(), TimeUnit.MILLISECONDS))
                .as("forced, it does not wait out the 60 s grace period").isTrue();
        assertThat(daemon.exitValue()).as("the exit code says it was forced (B-E2)").isEqualTo(4);
        assertThat(Files.readString(log(daemon))).contains("second signal: SIGTERM").contains("forcing the shutdown");
        assertThat(Files.readString(mcpd.stateDir().resolve("daemon-exits.log"))).contains("exit 4: SIGTERM");
    }

    @Test
    void theNextDaemonRecordsAPredecessorThatDiedWithoutShuttingDown() throws Exception { // B-L6, review finding 17
        Process dead = startDaemon();
        dead.destroyForcibly(); // as the OOM handler's kill -KILL does: no chance to record anything
        assertThat(dead.waitFor(ANSWER.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        assertThat(dead.exitValue()).isEqualTo(137);
        assertThat(mcpd.stateDir().resolve("daemon.json")).as("left behind").exists();

        startDaemon();

        assertThat(Files.readString(mcpd.stateDir().resolve("daemon-exits.log")))
                .contains("pid " + dead.pid() + " died without shutting down").contains("exit code unknown");
        McpdScope.Result status = mcpd.run(ANSWER, "daemon", "status", "--json");
        assertThat(status.stdout()).contains("pid " + dead.pid() + " died without shutting down");
    }

    // ---- helpers ----

    private Process startDaemon() throws IOException {
        Path out = log(daemons.size());
        Process daemon = mcpd.builder("daemon", "run").redirectErrorStream(true).redirectOutput(out.toFile()).start();
        daemons.add(daemon);
        await().atMost(START).until(() -> !daemon.isAlive() || mcpd.recordedDaemonPid().map(p -> p == daemon.pid()).orElse(false)
                && Files.exists(mcpd.stateDir().resolve("daemon.sock")));
        assertThat(daemon.isAlive()).as("daemon started; its output: %s", Files.readString(out)).isTrue();
        return daemon;
    }

    private Path log(Process daemon) {
        return log(daemons.indexOf(daemon));
    }

    private Path log(int index) {
        return mcpd.stateDir().resolve("daemon-run-" + index + ".out");
    }

    private AFUNIXSocket connect() throws IOException {
        AFUNIXSocket socket = AFUNIXSocket.connectTo(AFUNIXSocketAddress.of(mcpd.stateDir().resolve("daemon.sock").toFile()));
        sockets.add(socket);
        return socket;
    }

    private static void signal(Process process, String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).isZero();
    }

    private static Map<String, Object> call(Object id, String tool, Map<String, Object> arguments, String progressToken) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("name", tool);
        params.put("arguments", arguments);
        if (progressToken != null) {
            params.put("_meta", Map.of("progressToken", progressToken));
        }
        return Map.of("jsonrpc", "2.0", "id", id, "method", "tools/call", "params", params);
    }

    private static void send(OutputStream out, Map<String, Object> message) throws IOException {
        out.write(JSON.writeValueAsBytes(message));
        out.write('\n');
        out.flush();
    }

    /** Reads one line, without its newline; fails at end of stream. */
    private static byte[] readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != '\n') {
            if (b < 0) {
                throw new AssertionError("the daemon closed the connection after " + line.size() + " bytes of a line");
            }
            line.write(b);
        }
        return line.toByteArray();
    }
}
