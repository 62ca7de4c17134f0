package dev.mcpd.bootstrap;

import dev.mcpd.adapter.primary.namedpipe.Kernel32PipeApi;
import dev.mcpd.adapter.primary.namedpipe.NamedPipeConnector;
import dev.mcpd.adapter.primary.tcp.TcpConnector;
import dev.mcpd.adapter.primary.tcp.TcpKeepalive;
import dev.mcpd.adapter.primary.unixsocket.UnixSocketConnector;
import dev.mcpd.domain.model.Endpoint;
import dev.mcpd.domain.port.Connection;
import dev.mcpd.domain.port.DaemonConnector;
import java.io.IOException;
import java.time.Duration;

/** The proxy's connector for every endpoint kind: Unix socket, TCP, and named pipe (Windows). */
final class Connectors implements DaemonConnector {

    private final UnixSocketConnector unix = new UnixSocketConnector();
    private final TcpConnector tcp;
    private NamedPipeConnector pipe;

    Connectors(TcpKeepalive keepalive, Duration connectTimeout) {
        this.tcp = new TcpConnector(keepalive, connectTimeout);
    }

    /** Made on first use: its native bindings are looked up only where a pipe endpoint is met. */
    private synchronized NamedPipeConnector pipe() {
        if (pipe == null) {
            pipe = new NamedPipeConnector(new Kernel32PipeApi(), NamedPipeConnector.DEFAULT_BUSY_TIMEOUT);
        }
        return pipe;
    }

    @Override
    public Connection connect(Endpoint endpoint) throws IOException {
        return switch (endpoint.kind()) {
            case UNIX_SOCKET -> unix.connect(endpoint);
            case TCP -> tcp.connect(endpoint);
            case NAMED_PIPE -> pipe().connect(endpoint);
            default -> throw new IllegalArgumentException("mcpd cannot connect to " + endpoint.kind().scheme()
                    + " endpoints on this platform: " + endpoint);
        };
    }
}
