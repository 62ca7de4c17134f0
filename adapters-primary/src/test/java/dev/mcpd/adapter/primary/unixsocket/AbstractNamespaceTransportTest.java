package dev.mcpd.adapter.primary.unixsocket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpd.adapter.primary.socket.ClientSocketConnection;
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

    @Test
    void bindsARandomAbstractNameAndLeavesNoFile() throws Exception {
        Endpoint endpoint = transport.start(TransportContract::echoLines);
        assertThat(endpoint.address()).matches("@mcpd-[0-9a-f]{16}");
        try (var files = Files.walk(dir)) {
            assertThat(files.filter(p -> p.getFileName().toString().endsWith(".sock"))).isEmpty();
        }
    }
}
