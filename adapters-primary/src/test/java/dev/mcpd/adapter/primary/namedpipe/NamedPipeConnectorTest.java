package dev.mcpd.adapter.primary.namedpipe;

import static dev.mcpd.adapter.primary.namedpipe.PipeIo.async;
import static dev.mcpd.adapter.primary.namedpipe.PipeIo.readLine;
import static dev.mcpd.adapter.primary.namedpipe.PipeIo.writeLine;
import static dev.mcpd.domain.testing.TestTime.millis;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.mcpd.domain.model.Endpoint;
import dev.mcpd.domain.model.PeerCredentials;
import dev.mcpd.domain.model.TransportKind;
import dev.mcpd.domain.port.Connection;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@link NamedPipeConnector}, the proxy's side (its invariants 1-3), against server instances made directly on the
 * in-memory pipe fake, which stands in for Windows here.
 */
@DisplayName("NamedPipeConnector on the in-memory pipe fake (stands in for Windows)")
class NamedPipeConnectorTest {

    private static final String NAME = PipeName.PREFIX + "mcpd-connector-test";
    private static final Endpoint ENDPOINT = new Endpoint(TransportKind.NAMED_PIPE, NAME);

    private final InMemoryPipeApi daemon = new InMemoryPipeApi();
    private final InMemoryPipeApi proxy = daemon.process(4242);
    private final List<PipeHandle> serverHandles = new ArrayList<>();
    private final List<Connection> connections = new ArrayList<>();

    @AfterEach
    void closeAllAndCheckHandles() {
        connections.forEach(Connection::close);
        serverHandles.forEach(daemon::closeHandle);
        await().atMost(millis(1000)).until(() -> daemon.kernel().openHandles() == 0);
        assertThat(daemon.kernel().violations()).isEmpty();
    }

    private PipeHandle instance(boolean first) throws IOException {
        PipeHandle handle = daemon.createInstance(NAME, first);
        serverHandles.add(handle);
        return handle;
    }

    private Connection connect(Duration busyTimeout) throws IOException {
        Connection connection = new NamedPipeConnector(proxy, busyTimeout).connect(ENDPOINT);
        connections.add(connection);
        return connection;
    }

    @Test
    void connectsAndCarriesBytesBothWays() throws Exception {
        PipeHandle server = instance(true);
        Connection connection = connect(Duration.ZERO);
        daemon.awaitClient(server);
        assertThat(daemon.clientProcessId(server)).isEqualTo(4242);

        connection.output().write("ping\n".getBytes(UTF_8));
        connection.output().flush();
        assertThat(readLine(daemon, server)).isEqualTo("ping");
        writeLine(daemon, server, "pong");
        assertThat(lineFrom(connection)).isEqualTo("pong");

        assertThat(connection.peer()).isEqualTo(PeerCredentials.unknown());
        assertThat(connection.endpoint()).isEqualTo(ENDPOINT);
        assertThat(connection.isOpen()).isTrue();
    }

    @Test
    void noPipeFailsAtOnceWithoutWaitingForTheBusyTimeout() {
        long started = System.nanoTime();
        // invariant 1: no daemon; the proxy may launch one (B-S3)
        assertThatThrownBy(() -> connect(Duration.ofSeconds(30))).isInstanceOf(NoSuchFileException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(millis(1000));
    }

    @Test
    void aBusyPipeIsWaitedForAndRetriedUntilAnInstanceWaits() throws Exception {
        instance(true);
        connect(Duration.ZERO); // takes the only instance: the pipe is busy now
        CompletableFuture<Connection> second = async(() -> connect(Duration.ofSeconds(30)));
        await().during(millis(100)).atMost(millis(1000)).until(() -> !second.isDone());

        PipeHandle next = instance(false); // what the daemon's accept loop does next
        Connection connection = second.get(millis(1000).toMillis(), TimeUnit.MILLISECONDS);
        daemon.awaitClient(next);
        writeLine(daemon, next, "served by the second instance");
        assertThat(lineFrom(connection)).isEqualTo("served by the second instance");
    }

    @Test
    void aPipeThatStaysBusyFailsAfterTheBusyTimeout() throws Exception {
        instance(true);
        connect(Duration.ZERO);
        long started = System.nanoTime();
        assertThatThrownBy(() -> connect(Duration.ofMillis(200))).isInstanceOf(PipeBusyException.class)
                .hasMessageContaining("stayed busy for PT0.2S");
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(200)).isLessThan(millis(1200));
    }

    @Test
    void aPipeThatGoesAwayWhileWaitingFailsWithNoSuchFile() throws Exception {
        PipeHandle only = instance(true);
        Connection first = connect(Duration.ZERO);
        CompletableFuture<Connection> second = async(() -> connect(Duration.ofSeconds(30)));
        await().during(millis(100)).atMost(millis(1000)).until(() -> !second.isDone());

        // the daemon dies: every end of every instance closes, and the name is gone
        serverHandles.remove(only);
        daemon.closeHandle(only);
        first.close();
        assertThatThrownBy(() -> second.get(millis(1000).toMillis(), TimeUnit.MILLISECONDS))
                .isInstanceOf(ExecutionException.class).cause().isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void aReaderBlockedOnTheConnectionDoesNotBlockAWriter() throws Exception {
        PipeHandle server = instance(true);
        Connection connection = connect(Duration.ZERO);
        daemon.awaitClient(server);
        CompletableFuture<String> read = async(() -> lineFrom(connection));
        await().during(millis(50)).atMost(millis(1000)).until(() -> !read.isDone());

        CompletableFuture<String> written = async(() -> {
            connection.output().write("request\n".getBytes(UTF_8));
            connection.output().flush();
            return "written";
        });
        assertThat(written.get(millis(1000).toMillis(), TimeUnit.MILLISECONDS)).isEqualTo("written");
        assertThat(readLine(daemon, server)).isEqualTo("request");
        writeLine(daemon, server, "response");
        assertThat(read.get(millis(1000).toMillis(), TimeUnit.MILLISECONDS)).isEqualTo("response");
    }

    @Test
    void closingUnblocksAReaderAtOnceAndIsIdempotent() throws Exception {
        PipeHandle server = instance(true);
        Connection connection = connect(Duration.ZERO);
        daemon.awaitClient(server);
        CompletableFuture<String> read = async(() -> String.valueOf(lineFrom(connection)));
        await().during(millis(50)).atMost(millis(1000)).until(() -> !read.isDone());

        long started = System.nanoTime();
        connection.close();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(millis(100));
        assertThat(read.handle((line, error) -> "unblocked").get(millis(1000).toMillis(), TimeUnit.MILLISECONDS))
                .isEqualTo("unblocked");
        assertThat(connection.isOpen()).isFalse();
        connection.close();
        // the daemon sees the proxy go (the Windows caveat: only while the proxy's handle really closes, B-L3)
        assertThat(daemon.read(server, new byte[1], 0, 1)).isEqualTo(-1);
    }

    @Test
    void aConnectionWhosePeerClosedIsNoLongerOpen() throws Exception {
        PipeHandle server = instance(true);
        Connection connection = connect(Duration.ZERO);
        daemon.awaitClient(server);
        serverHandles.remove(server);
        daemon.closeHandle(server);
        assertThat(connection.input().read()).isEqualTo(-1);
        assertThat(connection.isOpen()).isFalse();
    }

    @Test
    void anEndpointOfAnotherKindOrAnInvalidPipeNameIsRejected() {
        NamedPipeConnector connector = new NamedPipeConnector(proxy, Duration.ZERO);
        assertThatThrownBy(() -> connector.connect(new Endpoint(TransportKind.UNIX_SOCKET, "/tmp/daemon.sock")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> connector.connect(new Endpoint(TransportKind.NAMED_PIPE, "mcpd")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new NamedPipeConnector(proxy, Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static String lineFrom(Connection connection) throws IOException {
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = connection.input().read()) >= 0 && b != '\n') {
            line.append((char) b);
        }
        return b < 0 && line.isEmpty() ? null : line.toString();
    }
}
