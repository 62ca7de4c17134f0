package dev.mcpd.adapter.primary.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpd.adapter.primary.connection.ClientSocketConnection;
import dev.mcpd.domain.contract.TransportContract;
import dev.mcpd.domain.model.Endpoint;
import dev.mcpd.domain.model.TcpKeepalive;
import dev.mcpd.domain.model.TransportKind;
import dev.mcpd.domain.port.Connection;
import dev.mcpd.domain.port.Transport;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@link TcpTransport} against the transport contract on real loopback sockets, with {@link TcpConnector} as client. */
class TcpTransportTest extends TransportContract {

    private final TcpConnector connector = new TcpConnector(TcpKeepalive.DEFAULTS, Duration.ofSeconds(2));

    @Override
    protected Transport newTransport(Path dir) {
        return new TcpTransport(new TcpListen("127.0.0.1", 0, TcpKeepalive.DEFAULTS, Optional.empty()));
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
    protected Process startPeerProcess(Endpoint endpoint) throws IOException {
        String[] hostPort = endpoint.address().split(":");
        return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), TcpPeerMain.class.getName(), hostPort[0], hostPort[1])
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }

    @Override
    protected List<String> pooledThreadPrefixes() {
        // Vert.x's shared blocked-thread checker lives with the class, not with one Vert.x instance.
        return List.of("vertx-blocked-thread-checker");
    }

    @Test
    void bindsLoopbackOnAFreePortAndReportsIt() throws Exception {
        Endpoint endpoint = transport.start(TransportContract::echoLines);
        assertThat(endpoint.kind()).isEqualTo(TransportKind.TCP);
        assertThat(endpoint.address()).startsWith("127.0.0.1:").doesNotEndWith(":0");
    }
}
