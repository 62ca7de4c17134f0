package dev.mcpd.bootstrap;

import dev.mcpd.adapter.primary.tcp.TcpConnector;
import dev.mcpd.adapter.primary.tcp.TcpKeepalive;
import dev.mcpd.adapter.primary.unixsocket.UnixSocketConnector;
import dev.mcpd.domain.model.Endpoint;
import dev.mcpd.domain.port.Connection;
import dev.mcpd.domain.port.DaemonConnector;
import java.io.IOException;
import java.time.Duration;

/** The proxy's connector for every endpoint kind this platform can reach: Unix socket and TCP. */
final class Connectors implements DaemonConnector {

    private final UnixSocketConnector unix = new UnixSocketConnector();
    private final TcpConnector tcp;

    Connectors(TcpKeepalive keepalive, Duration connectTimeout) {
        this.tcp = new TcpConnector(keepalive, connectTimeout);
    }

    @Override
    public Connection connect(Endpoint endpoint) throws IOException {
        return switch (endpoint.kind()) {
            case UNIX_SOCKET -> unix.connect(endpoint);
            case TCP -> tcp.connect(endpoint);
            default -> throw new IllegalArgumentException("mcpd cannot connect to " + endpoint.kind().scheme()
                    + " endpoints on this platform: " + endpoint);
        };
    }
}
