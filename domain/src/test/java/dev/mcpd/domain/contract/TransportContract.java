package dev.mcpd.domain.contract;

import static dev.mcpd.domain.testing.TestTime.millis;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mcpd.domain.model.Endpoint;
import dev.mcpd.domain.port.Connection;
import dev.mcpd.domain.port.Transport;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract every {@link Transport} passes (B-T1, B-C1, B-C2, B-M8). Subclasses say how to make the
 * transport and how a client connects to it.
 */
public abstract class TransportContract {

    /** The client side of a connection, as a test sees it. */
    public record Peer(InputStream in, OutputStream out, Closeable closer) implements Closeable {
        @Override
        public void close() throws IOException {
            closer.close();
        }

        public void send(String line) throws IOException {
            out.write((line + "\n").getBytes(UTF_8));
            out.flush();
        }

        public BufferedReader reader() {
            return new BufferedReader(new InputStreamReader(in, UTF_8));
        }
    }

    @TempDir
    protected Path dir;

    protected Transport transport;

    /** A new, unstarted transport whose endpoint (if it needs a path) lies in {@code dir}. */
    protected abstract Transport newTransport(Path dir) throws Exception;

    /** Connects a client to {@code endpoint}; throws if nothing accepts there. */
    protected abstract Peer connect(Endpoint endpoint) throws IOException;

    @BeforeEach
    void createTransport() throws Exception {
        transport = newTransport(dir);
    }

    @AfterEach
    void closeTransport() {
        transport.close();
    }

    @Test
    void reportsItsKindAndIsAvailableWhereTheSuiteRuns() {
        assertThat(transport.kind()).isNotNull();
        assertThat(transport.availability().isAvailable()).as(transport.availability().reason()).isTrue();
    }

    @Test
    void handsEachConnectionToTheHandler() throws Exception {
        Endpoint endpoint = transport.start(TransportContract::echoLines);
        assertThat(endpoint.kind()).isEqualTo(transport.kind());
        try (Peer peer = connect(endpoint)) {
            BufferedReader reader = peer.reader();
            peer.send("{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":1}");
            assertThat(reader.readLine()).isEqualTo("{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":1}");
            peer.send("second");
            assertThat(reader.readLine()).isEqualTo("second");
        }
    }

    @Test
    void servesManyClientsAtOnce() throws Exception {
        int clients = 16;
        CountDownLatch allIn = new CountDownLatch(clients);
        Endpoint endpoint = transport.start(connection -> {
            allIn.countDown();
            try {
                // Every handler waits for all the others: only truly concurrent handlers get past this (B-M8).
                if (allIn.await(10, TimeUnit.SECONDS)) {
                    echoLines(connection);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        List<Peer> peers = new ArrayList<>();
        try {
            for (int i = 0; i < clients; i++) {
                peers.add(connect(endpoint));
            }
            for (int i = 0; i < clients; i++) {
                peers.get(i).send("client " + i);
            }
            for (int i = 0; i < clients; i++) {
                assertThat(peers.get(i).reader().readLine()).isEqualTo("client " + i);
            }
        } finally {
            for (Peer peer : peers) {
                peer.close();
            }
        }
    }

    @Test
    void closesAConnectionAsSoonAsItsHandlerReturnsEvenIfThePeerNeverReads() throws Exception {
        AtomicLong handlerDone = new AtomicLong();
        Endpoint endpoint = transport.start(connection -> {
            write(connection, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}\n");
            handlerDone.set(System.nanoTime());
        });
        try (Peer peer = connect(endpoint)) {
            // The peer never reads and never closes (B-C1): the server side must still be gone quickly.
            await().atMost(Duration.ofSeconds(5)).until(() -> handlerDone.get() != 0);
            await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(2)).atMost(millis(100))
                    .until(() -> transport.openConnections() == 0);
            assertThat(Duration.ofNanos(System.nanoTime() - handlerDone.get())).isLessThan(millis(1000));
            BufferedReader reader = peer.reader();
            assertThat(reader.readLine()).contains("\"result\"");
            assertThat(reader.readLine()).as("EOF after the server closed").isNull();
        }
    }

    @Test
    void aPeerThatGoesAwayEndsItsHandler() throws Exception {
        CountDownLatch ended = new CountDownLatch(1);
        Endpoint endpoint = transport.start(connection -> {
            try {
                echoLines(connection);
            } finally {
                ended.countDown();
            }
        });
        Peer peer = connect(endpoint);
        peer.send("hello");
        assertThat(peer.reader().readLine()).isEqualTo("hello");
        peer.close();
        assertThat(ended.await(millis(2000).toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        await().atMost(millis(1000)).until(() -> transport.openConnections() == 0);
    }

    @Test
    void requestStopStopsAcceptingAndLeavesLiveConnectionsServing() throws Exception {
        Endpoint endpoint = transport.start(TransportContract::echoLines);
        try (Peer live = connect(endpoint)) {
            live.send("before");
            BufferedReader reader = live.reader();
            assertThat(reader.readLine()).isEqualTo("before");

            long started = System.nanoTime();
            transport.requestStop();
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(millis(100));

            assertThat(connectsAndIsServed(endpoint)).as("a connection after requestStop is refused").isFalse();
            live.send("after");
            assertThat(reader.readLine()).isEqualTo("after");
        }
    }

    @Test
    void requestForcefulStopClosesEveryLiveConnectionAtOnce() throws Exception {
        CountDownLatch connected = new CountDownLatch(3);
        Endpoint endpoint = transport.start(connection -> {
            connected.countDown();
            echoLines(connection);
        });
        List<Peer> peers = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                peers.add(connect(endpoint));
            }
            assertThat(connected.await(5, TimeUnit.SECONDS)).isTrue();
            long started = System.nanoTime();
            transport.requestForcefulStop();
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(millis(100));
            for (Peer peer : peers) {
                // The peers never closed: the server must not wait for them (B-C2).
                assertThat(readsEndOfStream(peer)).isTrue();
            }
            await().atMost(millis(1000)).until(() -> transport.openConnections() == 0);
        } finally {
            for (Peer peer : peers) {
                peer.close();
            }
        }
    }

    /**
     * A child process that connects to {@code endpoint}, prints {@code connected} on its stdout, then neither reads
     * nor writes until killed; or {@code null} where this transport's test cannot start one (the test is then
     * skipped with that reason).
     */
    protected Process startPeerProcess(Endpoint endpoint) throws IOException {
        return null;
    }

    /** Thread-name prefixes of shared pools whose idle threads outlive a transport by design (not leaks). */
    protected List<String> pooledThreadPrefixes() {
        return List.of();
    }

    /** Asserts that nothing is left of {@code endpoint} after a stop (a socket file, a port); by default: refused. */
    protected void assertEndpointReleased(Endpoint endpoint) {
        assertThat(connectsAndIsServed(endpoint)).as("a connection to %s after the stop", endpoint).isFalse();
    }

    /**
     * Takes {@code endpoint} away from under the started transport as another process could (removes or replaces
     * its socket file), and returns true; or returns false where this transport's endpoint cannot be taken away
     * (a TCP port, an abstract name), so that the test checks that it never reports a problem.
     */
    protected boolean takeEndpointAway(Endpoint endpoint) throws IOException {
        return false;
    }

    @Test
    void anEndpointJustBoundAndStillInPlaceHasNoProblem() throws Exception {
        assertThat(transport.endpointProblem()).as("before start").isEmpty();
        Endpoint endpoint = transport.start(TransportContract::echoLines);
        // Several checks in a row, as the daemon's endpoint-lost policy makes one per second (review finding 3).
        for (int i = 0; i < 3; i++) {
            assertThat(transport.endpointProblem()).as("check %d of %s", i, endpoint).isEmpty();
        }
        try (Peer peer = connect(endpoint)) {
            peer.send("still here");
            assertThat(peer.reader().readLine()).isEqualTo("still here");
        }
    }

    @Test
    void anEndpointTakenAwayFromUnderTheTransportIsReportedNamingIt() throws Exception {
        Endpoint endpoint = transport.start(TransportContract::echoLines);
        if (takeEndpointAway(endpoint)) {
            assertThat(transport.endpointProblem()).as("B-L6 %s taken away", endpoint).hasValueSatisfying(
                    problem -> assertThat(problem).contains(endpoint.address()));
        } else {
            assertThat(transport.endpointProblem()).as("an endpoint nobody can take away").isEmpty();
        }
    }

    @Test
    void aPeerThatHalfClosesStillGetsEveryAnswer() throws Exception {
        Endpoint endpoint = transport.start(connection -> {
            List<String> lines = new ArrayList<>();
            try {
                BufferedReader reader = new BufferedReader(new InputStreamReader(connection.input(), UTF_8));
                String line;
                while ((line = reader.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException e) {
                return;
            }
            // Like `printf '…' | nc -N`: the requests, then the peer's FIN, and only then the answers.
            for (String line : lines) {
                write(connection, "answer to " + line + "\n");
            }
        });
        Peer peer = connect(endpoint);
        try {
            peer.send("one");
            peer.send("two");
            halfClose(peer);
            BufferedReader reader = peer.reader();
            assertThat(reader.readLine()).isEqualTo("answer to one");
            assertThat(reader.readLine()).isEqualTo("answer to two");
            assertThat(reader.readLine()).as("EOF once the handler returned").isNull();
        } finally {
            peer.close();
        }
    }

    /** Shuts down the peer's sending side only; subclasses whose peers can do so override. */
    protected void halfClose(Peer peer) throws IOException {
        org.junit.jupiter.api.Assumptions.abort("this transport's test peer cannot half-close");
    }

    @Test
    void aPeerProcessThatIsKilledEndsItsHandler() throws Exception {
        CountDownLatch accepted = new CountDownLatch(1);
        CountDownLatch ended = new CountDownLatch(1);
        Endpoint endpoint = transport.start(connection -> {
            accepted.countDown();
            try {
                echoLines(connection);
            } finally {
                ended.countDown();
            }
        });
        Process peer = startPeerProcess(endpoint);
        org.junit.jupiter.api.Assumptions.assumeTrue(peer != null, "no peer process for this transport's test");
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(peer.getInputStream(), UTF_8));
            assertThat(out.readLine()).isEqualTo("connected");
            assertThat(accepted.await(5, TimeUnit.SECONDS)).isTrue();
            peer.destroyForcibly(); // SIGKILL: the kernel closes its socket; the process says nothing
            assertThat(peer.waitFor(5, TimeUnit.SECONDS)).isTrue();
            assertThat(ended.await(millis(2000).toMillis(), TimeUnit.MILLISECONDS)).as("handler ended").isTrue();
            await().atMost(millis(1000)).until(() -> transport.openConnections() == 0);
        } finally {
            peer.destroyForcibly();
        }
    }

    @Test
    void leavesNoThreadsFileDescriptorsOrEndpointBehindAfterClose() throws Exception {
        // A first round loads classes and native libraries and fills shared pools: what it opens stays by design.
        Transport warmUp = newTransport(dir.resolve("warm-up"));
        java.nio.file.Files.createDirectories(dir.resolve("warm-up"));
        serveAFewClients(warmUp);
        warmUp.close();
        Thread.sleep(millis(300).toMillis()); // the warm-up's asynchronous releases settle
        List<String> fdsBefore = fileDescriptors();
        List<String> threadsBefore = threadNames();

        Endpoint endpoint = serveAFewClients(transport);
        transport.close();

        await().atMost(millis(5000)).untilAsserted(() -> {
            assertThat(transport.openConnections()).isZero();
            List<String> threads = threadNames();
            assertThat(threads.size()).as("threads after close, pooled ones aside: %s; before: %s", threads, threadsBefore)
                    .isLessThanOrEqualTo(threadsBefore.size());
            List<String> fds = fileDescriptors();
            assertThat(fds.size()).as("file descriptors after close: %s; before: %s", fds, fdsBefore)
                    .isLessThanOrEqualTo(fdsBefore.size());
        });
        assertEndpointReleased(endpoint);
    }

    private Endpoint serveAFewClients(Transport t) throws Exception {
        Endpoint endpoint = t.start(TransportContract::echoLines);
        List<Peer> peers = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                Peer peer = connect(endpoint);
                peers.add(peer);
                peer.send("line " + i);
                assertThat(peer.reader().readLine()).isEqualTo("line " + i);
            }
        } finally {
            for (Peer peer : peers) {
                peer.close();
            }
        }
        await().atMost(millis(2000)).until(() -> t.openConnections() == 0);
        return endpoint;
    }

    /** Live threads, less the idle threads of shared pools ({@link #pooledThreadPrefixes()}). */
    private List<String> threadNames() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(name -> pooledThreadPrefixes().stream().noneMatch(name::startsWith))
                .filter(name -> !name.startsWith("awaitility")) // the polling of this very check
                // The JDK's own shared pools grow and shrink with load, not with a transport: the carriers of
                // virtual threads (ForkJoinPool-N-worker-M), the common pool (ForkJoinPool.commonPool-worker-M) and
                // the process reaper.
                .filter(name -> !name.startsWith("ForkJoinPool") && !name.equals("process reaper"))
                .sorted()
                .toList();
    }

    /** What each open file descriptor of this JVM points to; empty where {@code /proc/self/fd} does not exist. */
    private static List<String> fileDescriptors() throws IOException {
        Path fds = Path.of("/proc/self/fd");
        if (!java.nio.file.Files.isDirectory(fds)) {
            return List.of();
        }
        List<String> targets = new ArrayList<>();
        try (var list = java.nio.file.Files.list(fds)) {
            for (Path fd : list.toList()) {
                try {
                    targets.add(java.nio.file.Files.readSymbolicLink(fd).toString());
                } catch (IOException e) {
                    // closed between listing and reading: the listing's own descriptor, or one just released
                }
            }
        }
        return targets.stream().sorted().toList();
    }

    /** B-C4, B-M8: one handler blocked writing to a peer that never reads, and a slowloris, block no one else. */
    @Test
    void aPeerThatNeverReadsABigResponseDoesNotBlockOtherConnections() throws Exception {
        byte[] big = new byte[16 * 1024 * 1024 + 1];
        Arrays.fill(big, (byte) 'x');
        big[big.length - 1] = '\n';
        AtomicBoolean floodStarted = new AtomicBoolean();
        CompletableFuture<String> floodOutcome = new CompletableFuture<>();
        Endpoint endpoint = transport.start(connection -> {
            try {
                BufferedReader reader = new BufferedReader(new InputStreamReader(connection.input(), UTF_8));
                String line;
                while ((line = reader.readLine()) != null) {
                    if (line.equals("flood")) {
                        floodStarted.set(true);
                        connection.output().write(big);
                        connection.output().flush();
                        floodOutcome.complete("written");
                        return;
                    }
                    write(connection, line + "\n");
                }
            } catch (IOException e) {
                floodOutcome.complete("threw");
            }
        });
        List<Peer> others = new ArrayList<>();
        try (Peer stuck = connect(endpoint); Peer slowloris = connect(endpoint)) {
            stuck.send("flood");
            await().atMost(Duration.ofSeconds(5)).untilTrue(floodStarted);
            // A slowloris: bytes without a newline, never finished (B-C4).
            slowloris.out().write("{\"jsonrpc\":\"2.0\",".getBytes(UTF_8));
            slowloris.out().flush();

            for (int i = 0; i < 4; i++) {
                others.add(connect(endpoint));
            }
            for (int round = 0; round < 3; round++) {
                for (int i = 0; i < others.size(); i++) {
                    Peer other = others.get(i);
                    other.send("client " + i + " round " + round);
                    assertThat(readLineWithin(other, millis(1000))).isEqualTo("client " + i + " round " + round);
                }
            }
            // The stuck handler is still blocked in write: the test really had a full receive window.
            assertThat(floodOutcome).isNotDone();

            transport.requestForcefulStop();
            // Closing unblocks a handler blocked in write (Connection invariant 2).
            assertThat(floodOutcome.get(millis(1000).toMillis(), TimeUnit.MILLISECONDS)).isEqualTo("threw");
            await().atMost(millis(1000)).until(() -> transport.openConnections() == 0);
        } finally {
            for (Peer other : others) {
                other.close();
            }
        }
    }


    /** The next line {@code peer} sends, or a failure if none comes within {@code bound}. */
    protected static String readLineWithin(Peer peer, Duration bound) throws Exception {
        CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
            try {
                StringBuilder text = new StringBuilder();
                int b;
                while ((b = peer.in().read()) >= 0 && b != '\n') {
                    text.append((char) b);
                }
                return b < 0 && text.isEmpty() ? null : text.toString();
            } catch (IOException e) {
                return "<" + e + ">";
            }
        }, command -> Thread.ofVirtual().start(command));
        return line.get(bound.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Whether a new connection is accepted and served (echo) within a short bound. */
    protected boolean connectsAndIsServed(Endpoint endpoint) {
        try (Peer peer = connect(endpoint)) {
            BlockingQueue<String> got = new LinkedBlockingQueue<>();
            Thread reader = Thread.ofVirtual().start(() -> {
                try {
                    String line = peer.reader().readLine();
                    got.add(line == null ? "<eof>" : line);
                } catch (IOException e) {
                    got.add("<error>");
                }
            });
            try {
                peer.send("probe");
            } catch (IOException e) {
                return false;
            }
            String line = got.poll(millis(500).toMillis(), TimeUnit.MILLISECONDS);
            reader.interrupt();
            return "probe".equals(line);
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static boolean readsEndOfStream(Peer peer) throws InterruptedException {
        BlockingQueue<Boolean> eof = new LinkedBlockingQueue<>();
        Thread.ofVirtual().start(() -> {
            try {
                eof.add(peer.in().read() == -1);
            } catch (IOException e) {
                eof.add(true);
            }
        });
        Boolean result = eof.poll(millis(1000).toMillis(), TimeUnit.MILLISECONDS);
        return Boolean.TRUE.equals(result);
    }

    /** A handler that echoes each line back until the peer closes. */
    protected static void echoLines(Connection connection) {
        try {
            BufferedReader reader = new BufferedReader(new InputStreamReader(connection.input(), UTF_8));
            String line;
            while ((line = reader.readLine()) != null) {
                write(connection, line + "\n");
            }
        } catch (IOException e) {
            // the peer went away or the transport closed us: the handler ends
        }
    }

    protected static void write(Connection connection, String text) {
        try {
            connection.output().write(text.getBytes(UTF_8));
            connection.output().flush();
        } catch (IOException e) {
            // the peer went away
        }
    }
}
