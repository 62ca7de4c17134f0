package dev.mcpd.adapter.primary.unixsocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mcpd.adapter.primary.connection.ClientSocketConnection;
import dev.mcpd.domain.contract.TransportContract;
import dev.mcpd.domain.model.Endpoint;
import dev.mcpd.domain.port.Connection;
import dev.mcpd.domain.port.Transport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * B-T2's last fallback: a state dir so deep that neither its socket path nor the short path beside it fits
 * {@code sun_path}, so the transport binds in Linux's abstract namespace; the whole transport contract runs there.
 */
@EnabledOnOs(value = OS.LINUX, disabledReason = "the abstract namespace is Linux-only")
class AbstractNamespaceTransportTest extends TransportContract {

    private final UnixSocketConnector connector = new UnixSocketConnector();

    /** A directory under {@code base} whose path, and its parent's, are longer than sun_path allows. */
    static Path deepDir(Path base) throws IOException {
        Path deep = base.resolve("d".repeat(60)).resolve("e".repeat(60)).resolve("state");
        return Files.createDirectories(deep);
    }

    @Override
    protected Transport newTransport(Path dir) throws IOException {
        return new UnixSocketTransport(deepDir(dir).resolve("daemon.sock"));
    }

    @Override
    protected Peer connect(Endpoint endpoint) throws IOException {
        Connection connection = connector.connect(endpoint);
        return new Peer(connection.input(), connection.output(), connection);
    }

    @Override
    protected void halfClose(Peer peer) throws IOException {
        ((ClientSocketConnection) peer.closer()).shutdownOutput();
    }

    @Override
    protected List<String> pooledThreadPrefixes() {
        return List.of("unix-io-");
    }

    /**
     * B-T2 where no file mode protects the socket: a peer of another uid (here {@code nobody}, through
     * {@code setpriv}) reaches the abstract name, and the transport closes it at accept from the kernel's peer
     * credentials; no handler ever sees it. Skipped, saying why, where the test cannot switch uid (not root).
     */
    @Test
    void aPeerOfAnotherUidIsClosedAtAcceptAndNeverHandled() throws Exception {
        assumeTrue(canRunAsNobody(), "switching to uid 65534 needs root and setpriv");
        java.util.concurrent.atomic.AtomicInteger handled = new java.util.concurrent.atomic.AtomicInteger();
        Endpoint endpoint = transport.start(connection -> {
            handled.incrementAndGet();
            echoLines(connection);
        });
        String name = endpoint.address().substring(UnixSocketTransport.ABSTRACT_PREFIX.length());
        Process stranger = new ProcessBuilder("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "perl",
                "-MIO::Socket::UNIX", "-e", """
                $SIG{PIPE} = 'IGNORE'; # the daemon may close before this write: then the write fails, nothing more
                my $s = IO::Socket::UNIX->new(Type => SOCK_STREAM(), Peer => chr(0) . $ARGV[0]) or die "connect: $!";
                select(undef, undef, undef, 0.2); # let a refusal at accept land first: one order, every run
                print $s '{"jsonrpc":"2.0","id":1,"method":"ping"}' . chr(10);
                my $got = <$s>;
                print defined $got ? 'answered: ' . $got : 'closed' . chr(10);
                """, name).redirectErrorStream(true).start();
        String out = new String(stranger.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(stranger.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(out.strip()).as("what the peer of uid 65534 saw").isEqualTo("closed");
        assertThat(handled.get()).as("connections handed to the handler").isZero();
        assertThat(connectsAndIsServed(endpoint)).as("our own uid is still served").isTrue();
    }

    private static boolean canRunAsNobody() {
        try {
            return new ProcessBuilder("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "true")
                    .redirectErrorStream(true).start().waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    @Test
    void bindsARandomAbstractNameAndLeavesNoFile() throws Exception {
        Endpoint endpoint = transport.start(TransportContract::echoLines);
        assertThat(endpoint.address()).matches("@mcpd-[0-9a-f]{16}");
        try (var files = Files.walk(dir)) {
            assertThat(files.filter(p -> p.getFileName().toString().endsWith(".sock"))).isEmpty();
        }
    }
}
