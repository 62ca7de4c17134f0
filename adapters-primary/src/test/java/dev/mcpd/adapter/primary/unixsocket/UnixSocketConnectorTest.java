package dev.mcpd.adapter.primary.unixsocket;

import static dev.mcpd.domain.testing.TestTime.millis;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.mcpd.domain.error.ProtocolViolationException;
import dev.mcpd.domain.model.Endpoint;
import dev.mcpd.domain.model.PeerCredentials;
import dev.mcpd.domain.model.TransportKind;
import dev.mcpd.domain.port.Connection;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link UnixSocketConnector}, the proxy's side, against a plain JDK Unix socket server. */
class UnixSocketConnectorTest {

    @TempDir
    Path dir;

    private final UnixSocketConnector connector = new UnixSocketConnector();
    private ServerSocketChannel server;
    private Endpoint endpoint;

    @BeforeEach
    void listen() throws IOException {
        Path socket = dir.resolve("daemon.sock");
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        endpoint = new Endpoint(TransportKind.UNIX_SOCKET, socket.toString());
    }

    @AfterEach
    void close() throws IOException {
        server.close();
    }

    @Test
    void aReaderBlockedOnTheConnectionDoesNotBlockAWriter() throws Exception {
        try (Connection connection = connector.connect(endpoint); SocketChannel daemon = server.accept()) {
            CompletableFuture<String> read = async(() -> readLine(connection));
            await().during(millis(50)).atMost(millis(1000)).until(() -> !read.isDone());

            // The reader thread sits in read(); a write from another thread must still go through at once.
            CompletableFuture<String> written = async(() -> {
                connection.output().write("ping\n".getBytes(UTF_8));
                connection.output().flush();
                return "written";
            });
            assertThat(written.get(millis(1000).toMillis(), TimeUnit.MILLISECONDS)).isEqualTo("written");

            assertThat(readLine(daemon)).isEqualTo("ping");
            daemon.write(ByteBuffer.wrap("pong\n".getBytes(UTF_8)));
            assertThat(read.get(millis(1000).toMillis(), TimeUnit.MILLISECONDS)).isEqualTo("pong");
        }
    }

    @Test
    void aWriterBlockedOnAFullSocketDoesNotBlockAReader() throws Exception {
        try (Connection connection = connector.connect(endpoint); SocketChannel daemon = server.accept()) {
            byte[] flood = new byte[8 * 1024 * 1024];
            CompletableFuture<String> written = async(() -> {
                connection.output().write(flood);
                connection.output().flush();
                return "written";
            });
            // The daemon does not read yet, so the writer is stuck in write() on a full socket buffer.
            await().during(millis(50)).atMost(millis(1000)).until(() -> !written.isDone());

            CompletableFuture<String> read = async(() -> readLine(connection));
            daemon.write(ByteBuffer.wrap("hello\n".getBytes(UTF_8)));
            assertThat(read.get(millis(1000).toMillis(), TimeUnit.MILLISECONDS)).isEqualTo("hello");
            assertThat(written).isNotDone();

            ByteBuffer drain = ByteBuffer.allocate(64 * 1024);
            long drained = 0;
            while (drained < flood.length) {
                drain.clear();
                drained += daemon.read(drain);
            }
            assertThat(written.get(millis(1000).toMillis(), TimeUnit.MILLISECONDS)).isEqualTo("written");
        }
    }

    @Test
    void closingUnblocksAReaderAndIsIdempotent() throws Exception {
        Connection connection = connector.connect(endpoint);
        try (SocketChannel daemon = server.accept()) {
            CompletableFuture<String> read = async(() -> String.valueOf(readLine(connection)));
            await().during(millis(50)).atMost(millis(1000)).until(() -> !read.isDone());

            connection.close();
            assertThat(read.handle((line, error) -> "unblocked").get(millis(1000).toMillis(), TimeUnit.MILLISECONDS))
                    .isEqualTo("unblocked");
            assertThat(connection.isOpen()).isFalse();
            connection.close();
        }
    }

    @Test
    void theClientSideKnowsNoPeerCredentialsAndKeepsItsEndpoint() throws Exception {
        try (Connection connection = connector.connect(endpoint); SocketChannel daemon = server.accept()) {
            assertThat(connection.peer()).isEqualTo(PeerCredentials.unknown());
            assertThat(connection.endpoint()).isEqualTo(endpoint);
            assertThat(connection.isOpen()).isTrue();
        }
    }

    @Test
    void connectingToAMissingSocketThrowsIOException() {
        Endpoint missing = new Endpoint(TransportKind.UNIX_SOCKET, dir.resolve("no-such.sock").toString());
        assertThatThrownBy(() -> connector.connect(missing)).isInstanceOf(IOException.class);
    }

    @Test
    void connectingToAStaleSocketFileThrowsIOException() throws Exception {
        server.close(); // the JDK leaves the socket file behind, as a crashed daemon would
        assertThat(Path.of(endpoint.address())).exists();
        assertThatThrownBy(() -> connector.connect(endpoint)).isInstanceOf(IOException.class);
    }

    @Test
    void connectingToARegularFileThrowsIOException() throws Exception {
        Path file = Files.writeString(dir.resolve("not-a-socket"), "x");
        Endpoint notASocket = new Endpoint(TransportKind.UNIX_SOCKET, file.toString());
        assertThatThrownBy(() -> connector.connect(notASocket)).isInstanceOf(IOException.class);
    }

    @Test
    void aDaemonOfAnotherUserIsRefusedBeforeAnythingIsSent() throws Exception { // review finding 13
        UnixSocketConnector otherUsers = new UnixSocketConnector(4242); // we pretend to be uid 4242
        CompletableFuture<SocketChannel> accepted = async(() -> server.accept());
        assertThatThrownBy(() -> otherUsers.connect(endpoint)).isInstanceOf(ProtocolViolationException.class)
                .hasMessageContaining("not as uid 4242");
        try (SocketChannel daemon = accepted.get(millis(1000).toMillis(), TimeUnit.MILLISECONDS)) {
            assertThat(readLine(daemon)).as("closed, nothing sent").isNull();
        }
    }

    @Test
    void aListenerRunAsAnotherUidOnTheDaemonsPathIsRefused() throws Exception { // review finding 13
        Path shared = Files.createTempDirectory(Path.of("/tmp"), "mcpd-squat-");
        try {
            Files.setPosixFilePermissions(shared, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
            assertRefusedFromAnotherUid(shared.resolve("daemon.sock").toString(),
                    new Endpoint(TransportKind.UNIX_SOCKET, shared.resolve("daemon.sock").toString()));
        } finally {
            try (var files = Files.walk(shared)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void aListenerRunAsAnotherUidOnTheDaemonsAbstractNameIsRefused() throws Exception { // review finding 13
        String name = "mcpd-squat-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        assertRefusedFromAnotherUid("@" + name,
                new Endpoint(TransportKind.UNIX_SOCKET, UnixSocketTransport.ABSTRACT_PREFIX + name));
    }

    /**
     * The squatter of review finding 13: {@code setpriv --reuid=65534} runs a small Python listener that sends a
     * daemon hello and reports how many bytes it then received. Needs root (to switch uid), setpriv and python3.
     */
    private void assertRefusedFromAnotherUid(String address, Endpoint squatted) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(new com.sun.security.auth.module.UnixSystem().getUid() == 0,
                "switching to uid 65534 needs root");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv"))
                && Files.isExecutable(Path.of("/usr/bin/python3")), "needs setpriv and /usr/bin/python3");
        String listener = String.join("\n",
                "import socket, sys",
                "a = sys.argv[1]",
                "a = '\\0' + a[1:] if a.startswith('@') else a",
                "s = socket.socket(socket.AF_UNIX); s.bind(a); s.listen(1)",
                "print('listening', flush=True)",
                "c, _ = s.accept()",
                "n = 0",
                "try: c.sendall(b'{\"mcpd\":\"0.1.0\",\"protocol\":1,\"pid\":1,\"scope\":\"user:0\"}\\n')",
                "except OSError: pass  # we may have closed already",
                "while True:",
                "    try: b = c.recv(65536)",
                "    except OSError: b = b''",
                "    if not b: break",
                "    n += len(b)",
                "print('received', n, flush=True)");
        Process squatter = new ProcessBuilder("/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                "/usr/bin/python3", "-c", listener, address).redirectErrorStream(true).start();
        try (var out = new java.io.BufferedReader(new java.io.InputStreamReader(squatter.getInputStream(), UTF_8))) {
            assertThat(out.readLine()).isEqualTo("listening");
            assertThatThrownBy(() -> connector.connect(squatted)).isInstanceOf(ProtocolViolationException.class)
                    .hasMessageMatching("(?s).*runs as user (65534|nobody), not as uid 0.*");
            assertThat(out.readLine()).as("the squatter got nothing from us").isEqualTo("received 0");
        } finally {
            squatter.destroyForcibly();
            squatter.waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void anEndpointOfAnotherKindIsRejected() {
        assertThatThrownBy(() -> connector.connect(new Endpoint(TransportKind.TCP, "127.0.0.1:1")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private interface IoSupplier<T> {
        T get() throws IOException;
    }

    private static <T> CompletableFuture<T> async(IoSupplier<T> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                result.complete(work.get());
            } catch (IOException | RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    private static String readLine(Connection connection) throws IOException {
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = connection.input().read()) >= 0 && b != '\n') {
            line.append((char) b);
        }
        return b < 0 && line.isEmpty() ? null : line.toString();
    }

    private static String readLine(SocketChannel channel) throws IOException {
        StringBuilder line = new StringBuilder();
        ByteBuffer one = ByteBuffer.allocate(1);
        while (true) {
            one.clear();
            if (channel.read(one) < 0) {
                return line.isEmpty() ? null : line.toString();
            }
            char c = (char) one.get(0);
            if (c == '\n') {
                return line.toString();
            }
            line.append(c);
        }
    }
}
