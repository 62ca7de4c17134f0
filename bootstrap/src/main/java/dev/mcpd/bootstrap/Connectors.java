package dev.mcpd.bootstrap;

import dev.mcpd.adapter.primary.namedpipe.Kernel32PipeApi;
import dev.mcpd.adapter.primary.namedpipe.NamedPipeConnector;
import dev.mcpd.adapter.primary.tcp.TcpConnector;
import dev.mcpd.adapter.primary.tcp.TlsTrust;
import dev.mcpd.adapter.primary.unixsocket.UnixSocketConnector;
import dev.mcpd.domain.model.Endpoint;
import dev.mcpd.domain.port.Connection;
import dev.mcpd.domain.port.DaemonConnector;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/** The proxy's connector for every endpoint kind: Unix socket, TCP, and named pipe (Windows). */
final class Connectors implements DaemonConnector {

    private final UnixSocketConnector unix = new UnixSocketConnector();
    private final TcpConfig tcpConfig;
    private final Duration connectTimeout;
    private TcpConnector tcp;
    private NamedPipeConnector pipe;

    Connectors(TcpConfig tcpConfig, Duration connectTimeout) {
        this.tcpConfig = tcpConfig;
        this.connectTimeout = connectTimeout;
    }

    /** Made on first use: TLS trust is read only when a TCP endpoint is met (MCPD_TCP_TLS_CA). */
    private synchronized TcpConnector tcp() throws IOException {
        if (tcp == null) {
            Optional<SSLContext> tls = tcpConfig.trust().isPresent()
                    ? Optional.of(TlsTrust.fromPem(tcpConfig.trust().get())) : Optional.empty();
            tcp = new TcpConnector(tcpConfig.keepalive(), connectTimeout, tls);
        }
        return tcp;
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
            case TCP -> tcp().connect(endpoint);
            case NAMED_PIPE -> pipe().connect(endpoint);
            default -> throw new IllegalArgumentException("mcpd cannot connect to " + endpoint.kind().scheme()
                    + " endpoints on this platform: " + endpoint);
        };
    }
}
