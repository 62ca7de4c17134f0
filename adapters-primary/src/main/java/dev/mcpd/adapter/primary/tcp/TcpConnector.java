package dev.mcpd.adapter.primary.tcp;

import static java.util.Objects.requireNonNull;

import dev.mcpd.adapter.primary.connection.ClientSocketConnection;
import dev.mcpd.domain.model.Endpoint;
import dev.mcpd.domain.model.TcpKeepalive;
import dev.mcpd.domain.model.TransportKind;
import dev.mcpd.domain.port.Connection;
import dev.mcpd.domain.port.DaemonConnector;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * The proxy's side of the TCP transport, on a plain JDK {@link Socket} (no Vert.x in the proxy: it starts per
 * host session and must start fast). Keepalive is on with the daemon's timing (B-T4), so a proxy whose daemon's host
 * vanished notices within {@link TcpKeepalive#detectionWindow()} and falls back (B-G3), and Nagle is off so each
 * line goes out at once.
 */
public final class TcpConnector implements DaemonConnector {

    private final TcpKeepalive keepalive;
    private final Duration connectTimeout;
    private final Optional<SSLContext> tls;

    /**
     * @param keepalive keepalive for every connection made
     * @param connectTimeout how long a connect may take (a filtered port never answers)
     */
    public TcpConnector(TcpKeepalive keepalive, Duration connectTimeout) {
        this(keepalive, connectTimeout, Optional.empty());
    }

    /**
     * @param tls when present, every connection is TLS with this trust ({@link TlsTrust}) and the daemon's
     *     certificate must name the host connected to (HTTPS-style endpoint identification)
     */
    public TcpConnector(TcpKeepalive keepalive, Duration connectTimeout, Optional<SSLContext> tls) {
        this.keepalive = requireNonNull(keepalive, "keepalive is null");
        this.connectTimeout = requireNonNull(connectTimeout, "connectTimeout is null");
        this.tls = requireNonNull(tls, "tls is null");
    }

    /**
     * @throws IllegalArgumentException if {@code endpoint} is not {@code tcp://host:port}
     * @throws IOException if nothing accepts there within the connect timeout
     */
    @Override
    public Connection connect(Endpoint endpoint) throws IOException {
        if (endpoint.kind() != TransportKind.TCP) {
            throw new IllegalArgumentException("not a TCP endpoint: " + endpoint);
        }
        TcpListen address = TcpListen.parse(endpoint.address(), keepalive, Optional.empty());
        Socket socket = new Socket();
        try {
            SocketKeepalive.apply(keepalive, socket);
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(address.host(), address.port()), (int) connectTimeout.toMillis());
            if (tls.isPresent()) {
                socket = handshake(socket, address);
            }
        } catch (IOException e) {
            socket.close();
            throw e;
        }
        return new ClientSocketConnection(endpoint, socket, Optional.of(endpoint.address()));
    }

    private SSLSocket handshake(Socket plain, TcpListen address) throws IOException {
        SSLSocket secure = (SSLSocket) tls.orElseThrow().getSocketFactory()
                .createSocket(plain, address.host(), address.port(), true);
        SSLParameters parameters = secure.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        secure.setSSLParameters(parameters);
        secure.setSoTimeout((int) connectTimeout.toMillis());
        secure.startHandshake();
        secure.setSoTimeout(0);
        return secure;
    }
}
