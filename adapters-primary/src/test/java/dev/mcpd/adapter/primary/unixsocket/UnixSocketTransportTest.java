package dev.mcpd.adapter.primary.unixsocket;

import static dev.mcpd.domain.testing.TestTime.millis;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.mcpd.domain.contract.TransportContract;
import dev.mcpd.domain.model.Endpoint;
import dev.mcpd.domain.model.PeerCredentials;
import dev.mcpd.domain.model.TransportKind;
import dev.mcpd.domain.port.Connection;
import dev.mcpd.domain.port.Transport;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * {@link UnixSocketTransport} against the transport contract, with real sockets in a temp dir and, for B-C1, a real
 * frozen peer process.
 */
class UnixSocketTransportTest extends TransportContract {

    private final UnixSocketConnector connector = new UnixSocketConnector();

    private Path socketPath() {
        return dir.resolve("daemon.sock");
    }

    @Override
    protected Transport newTransport(Path dir) {
        return new UnixSocketTransport(dir.resolve("daemon.sock"));
    }

    @Override
    protected Peer connect(Endpoint endpoint) throws IOException {
        Connection connection = connector.connect(endpoint);
        return new Peer(connection.input(), connection.output(), connection);
    }

    @Override
    protected void halfClose(Peer peer) throws IOException {
        ((UnixSocketConnector.ChannelConnection) peer.closer()).channel().shutdownOutput();
    }

    @Override
    protected Process startPeerProcess(Endpoint endpoint) throws IOException {
        return startJavaChild(FrozenPeerMain.class, endpoint.address());
    }

    @Override
    protected List<String> pooledThreadPrefixes() {
        return List.of("unix-io-"); // the shared blocking-I/O pool (idle threads expire after 60 s)
    }

    @Test
    void aSocketPathTooLongForSunPathFallsBackToAShortPathBesideTheStateDir() throws Exception { // B-T2
        Path stateDir = java.nio.file.Files.createDirectories(dir.resolve("s".repeat(110 - dir.toString().length())));
        Path tooLong = stateDir.resolve("daemon.sock");
        assertThat(tooLong.toString().length()).isGreaterThan(UnixBindTarget.SUN_PATH_MAX);
        try (UnixSocketTransport deep = new UnixSocketTransport(tooLong)) {
            assertThat(deep.availability().isAvailable()).isTrue();
            Endpoint endpoint = deep.start(TransportContract::echoLines);
            Path bound = Path.of(endpoint.address());
            assertThat(bound.getParent()).isEqualTo(dir);
            assertThat(bound.getFileName().toString()).matches("mcpd-[0-9a-f]+\\.sock");
            assertThat(PosixFilePermissions.toString(java.nio.file.Files.getPosixFilePermissions(bound))).isEqualTo("rw-------");
            try (Peer peer = connect(endpoint)) {
                peer.send("via the fallback");
                assertThat(peer.reader().readLine()).isEqualTo("via the fallback");
            }
            deep.requestStop();
            assertThat(bound).doesNotExist();
        }
    }

    @Override
    protected boolean takeEndpointAway(Endpoint endpoint) throws IOException {
        Files.delete(Path.of(endpoint.address()));
        return true;
    }

    /** A state dir under {@code dir} whose {@code daemon.sock} is too long for sun_path but whose parent is short. */
    private Path deepStateDir() throws IOException {
        return Files.createDirectories(dir.resolve("s".repeat(110 - dir.toString().length())));
    }

    /** The short fallback the transport must choose for {@code stateDir}, computed here independently. */
    private static Path expectedFallback(Path stateDir) throws Exception {
        byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(stateDir.toString().getBytes(UTF_8));
        return stateDir.getParent().resolve("mcpd-" + java.util.HexFormat.of().formatHex(digest).substring(0, 16) + ".sock");
    }

    @Test
    void aSocketFileReplacedByAnotherFileIsReportedAsLost() throws Exception { // B-L6, review finding 3
        Endpoint endpoint = transport.start(TransportContract::echoLines);
        Files.delete(socketPath());
        Files.writeString(socketPath(), "not the daemon's socket");

        assertThat(transport.endpointProblem()).hasValueSatisfying(problem ->
                assertThat(problem).contains(endpoint.address()).contains("no longer"));
    }

    @Test
    void theShortFallbackIsNamedBySha256OfTheStateDirAndStaysIntact() throws Exception { // B-T2, review findings 3, 22
        Path stateDir = deepStateDir();
        try (UnixSocketTransport deep = new UnixSocketTransport(stateDir.resolve("daemon.sock"))) {
            Endpoint endpoint = deep.start(TransportContract::echoLines);

            assertThat(Path.of(endpoint.address())).isEqualTo(expectedFallback(stateDir));
            assertThat(deep.endpointProblem()).as("the fallback is what was bound, not <state>/daemon.sock").isEmpty();
            Files.delete(Path.of(endpoint.address()));
            assertThat(deep.endpointProblem()).hasValueSatisfying(p -> assertThat(p).contains("was removed"));
        }
    }

    @Test
    void aFileAtTheShortFallbackThatIsNotASocketIsNeverReplaced() throws Exception { // review finding 22
        Path stateDir = deepStateDir();
        Path planted = expectedFallback(stateDir);
        Files.writeString(planted, "someone else's file");
        try (UnixSocketTransport deep = new UnixSocketTransport(stateDir.resolve("daemon.sock"))) {
            Endpoint endpoint = deep.start(TransportContract::echoLines);

            assertThat(Files.readString(planted)).isEqualTo("someone else's file");
            assertThat(endpoint.address()).as("on Linux: the abstract namespace instead").startsWith("@mcpd-");
            try (Peer peer = connect(endpoint)) {
                peer.send("via the abstract name");
                assertThat(peer.reader().readLine()).isEqualTo("via the abstract name");
            }
        }
    }

    @Test
    void aSocketOfAnotherUidAtTheShortFallbackIsNeverReplaced() throws Exception { // review finding 22
        org.junit.jupiter.api.Assumptions.assumeTrue(
                ((Number) Files.getAttribute(dir, "unix:uid")).longValue() == 0, "only root can make a file of another uid");
        Path stateDir = deepStateDir();
        Path planted = expectedFallback(stateDir);
        staleSocketAt(planted);
        Files.setAttribute(planted, "unix:uid", 65534, java.nio.file.LinkOption.NOFOLLOW_LINKS);
        Object before = Files.readAttributes(planted, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
        try (UnixSocketTransport deep = new UnixSocketTransport(stateDir.resolve("daemon.sock"))) {
            Endpoint endpoint = deep.start(TransportContract::echoLines);

            assertThat(endpoint.address()).startsWith("@mcpd-");
            assertThat(Files.readAttributes(planted, java.nio.file.attribute.BasicFileAttributes.class).fileKey())
                    .isEqualTo(before);
        }
    }

    @Test
    void aStaleSocketOfOursAtTheShortFallbackIsReplaced() throws Exception { // B-S3
        Path stateDir = deepStateDir();
        Path stale = expectedFallback(stateDir);
        staleSocketAt(stale);
        try (UnixSocketTransport deep = new UnixSocketTransport(stateDir.resolve("daemon.sock"))) {
            Endpoint endpoint = deep.start(TransportContract::echoLines);

            assertThat(Path.of(endpoint.address())).isEqualTo(stale);
            try (Peer peer = connect(endpoint)) {
                peer.send("via the replaced socket");
                assertThat(peer.reader().readLine()).isEqualTo("via the replaced socket");
            }
        }
    }

    /** A socket file nobody listens on, as a daemon killed with SIGKILL leaves (the JDK's close does not unlink). */
    private static void staleSocketAt(Path path) throws IOException {
        try (var channel = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            channel.bind(java.net.UnixDomainSocketAddress.of(path));
        }
        assertThat(path).exists();
    }

    @Test
    void reportsTheUnixSocketKindAndTheBoundPath() throws Exception {
        Endpoint endpoint = transport.start(TransportContract::echoLines);
        assertThat(transport.kind()).isEqualTo(TransportKind.UNIX_SOCKET);
        assertThat(endpoint).isEqualTo(new Endpoint(TransportKind.UNIX_SOCKET, socketPath().toString()));
    }

    @Test
    void startingTwiceIsRefused() throws Exception {
        transport.start(TransportContract::echoLines);
        assertThatThrownBy(() -> transport.start(TransportContract::echoLines))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void theSocketFileIsPrivateToItsOwnerAndRemovedByRequestStop() throws Exception {
        transport.start(TransportContract::echoLines);
        // B-T2: mode 0600, so only the daemon's user can even connect.
        assertThat(Files.getPosixFilePermissions(socketPath())).isEqualTo(PosixFilePermissions.fromString("rw-------"));

        transport.requestStop();
        // B-S5: the owner removes its socket file when it stops, so nobody connects to a dead endpoint.
        assertThat(socketPath()).doesNotExist();
    }

    @Test
    void peerCredentialsComeFromTheKernel() throws Exception {
        BlockingQueue<PeerCredentials> seen = new LinkedBlockingQueue<>();
        Endpoint endpoint = transport.start(connection -> {
            seen.add(connection.peer());
            echoLines(connection);
        });
        try (Peer peer = connect(endpoint)) {
            PeerCredentials credentials = seen.poll(5, TimeUnit.SECONDS);
            // B-L2: the client sent nothing, yet the daemon knows who it is.
            assertThat(credentials).isNotNull();
            assertThat(credentials.pid()).isEqualTo(ProcessHandle.current().pid());
            long ownUid = ((Number) Files.getAttribute(dir, "unix:uid")).longValue();
            assertThat(credentials.uid()).isEqualTo(ownUid);
        }
    }

    @Test
    void requestForcefulStopUnblocksAHandlerBlockedReading() throws Exception {
        CountDownLatch reading = new CountDownLatch(1);
        CompletableFuture<String> outcome = new CompletableFuture<>();
        Endpoint endpoint = transport.start(connection -> {
            reading.countDown();
            try {
                int b = connection.input().read();
                outcome.complete(b < 0 ? "eof" : "byte " + b);
            } catch (IOException e) {
                outcome.complete("threw");
            }
        });
        try (Peer peer = connect(endpoint)) {
            assertThat(reading.await(5, TimeUnit.SECONDS)).isTrue();
            // The handler stays blocked in read(): nothing arrives until the transport closes it.
            await().during(millis(50)).atMost(millis(1000)).until(() -> !outcome.isDone());
            long started = System.nanoTime();
            transport.requestForcefulStop();
            String result = outcome.get(millis(1000).toMillis(), TimeUnit.MILLISECONDS);
            assertThat(result).isIn("eof", "threw");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(millis(1000));
            await().atMost(millis(1000)).until(() -> transport.openConnections() == 0);
        }
    }

    @Test
    void aFrozenPeerProcessDoesNotHoldTheConnectionOpen() throws Exception {
        CountDownLatch frozen = new CountDownLatch(1);
        BlockingQueue<Long> peerPids = new LinkedBlockingQueue<>();
        AtomicLong lastWrite = new AtomicLong();
        Endpoint endpoint = transport.start(connection -> {
            peerPids.add(connection.peer().pid());
            try {
                if (!frozen.await(10, TimeUnit.SECONDS)) {
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            write(connection, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}\n");
            lastWrite.set(System.nanoTime());
        });

        Process child = startJavaChild(FrozenPeerMain.class, endpoint.address());
        try {
            BufferedReader childOut = new BufferedReader(new InputStreamReader(child.getInputStream(), UTF_8));
            assertThat(childOut.readLine()).isEqualTo("connected");
            // The kernel names the child as the peer (B-L2), so this is the connection we are about to test.
            assertThat(peerPids.poll(5, TimeUnit.SECONDS)).isEqualTo(child.pid());

            signal("STOP", child.pid());
            await().atMost(Duration.ofSeconds(5)).until(() -> processState(child.pid()) == 'T');
            frozen.countDown();

            // B-C1: the handler's connection is gone within 100 ms of its last write, peer frozen or not.
            await().atMost(Duration.ofSeconds(5)).until(() -> lastWrite.get() != 0);
            await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(2)).atMost(millis(100))
                    .until(() -> transport.openConnections() == 0);
            assertThat(Duration.ofNanos(System.nanoTime() - lastWrite.get())).isLessThan(millis(1000));
            assertThat(processState(child.pid())).as("the peer stayed frozen throughout").isEqualTo('T');
        } finally {
            signal("CONT", child.pid());
            child.destroyForcibly();
            child.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void idlePeersOutnumberingTheCpusDoNotStarveANewClient() throws Exception {
        int idleCount = Runtime.getRuntime().availableProcessors() + 2;
        CountDownLatch idleHandlersReading = new CountDownLatch(idleCount);
        Endpoint endpoint = transport.start(connection -> {
            // The daemon speaks first (B-W2), then blocks reading: what every quiet proxy's handler does.
            write(connection, "{\"mcpd\":\"test\"}\n");
            idleHandlersReading.countDown();
            echoLines(connection);
        });
        List<Peer> idle = new ArrayList<>();
        try {
            for (int i = 0; i < idleCount; i++) {
                idle.add(connect(endpoint));
            }
            assertThat(idleHandlersReading.await(5, TimeUnit.SECONDS)).isTrue();

            try (Peer fresh = connect(endpoint)) {
                // Answering the daemon's hello means the handler is already blocked reading (B-M8, B-C4).
                assertThat(readLineWithin(fresh, millis(1000))).isEqualTo("{\"mcpd\":\"test\"}");
                fresh.send("hello");
                assertThat(readLineWithin(fresh, millis(1000))).isEqualTo("hello");
            }
            Peer last = idle.getLast();
            assertThat(readLineWithin(last, millis(1000))).isEqualTo("{\"mcpd\":\"test\"}");
            last.send("still served");
            assertThat(readLineWithin(last, millis(1000))).isEqualTo("still served");
        } finally {
            for (Peer peer : idle) {
                peer.close();
            }
        }
    }

    /** Reads one line byte by byte, so no reader buffers bytes past it between calls. */
    static Process startJavaChild(Class<?> mainClass, String... args) throws IOException {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> command = new ArrayList<>(List.of(java, "-Xshare:auto", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), mainClass.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    private static void signal(String signal, long pid) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
        assertThat(kill.waitFor(5, TimeUnit.SECONDS)).isTrue();
    }

    /** The state letter in {@code /proc/<pid>/stat} ({@code T} = stopped), or {@code ?} if unreadable. */
    private static char processState(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2);
        } catch (IOException | RuntimeException e) {
            return '?';
        }
    }
}
