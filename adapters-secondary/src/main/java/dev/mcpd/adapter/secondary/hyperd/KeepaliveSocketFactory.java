package dev.mcpd.adapter.secondary.hyperd;

import dev.mcpd.domain.model.TcpKeepalive;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardSocketOptions;
import javax.net.SocketFactory;
import jdk.net.ExtendedSocketOptions;

/**
 * Sockets with TCP keepalive of 60 s idle, 10 s interval, 3 probes (B-T4), so that a half-open hyperd connection is
 * detected in about 90 s instead of the OS default of two hours. pgjdbc creates it by name through its
 * {@code socketFactory} connection property and calls {@link #createSocket()}; the other methods serve any other
 * caller. Where the platform lacks an option (TCP_KEEPIDLE and friends exist on Linux and macOS), plain SO_KEEPALIVE
 * is still set.
 */
public final class KeepaliveSocketFactory extends SocketFactory {

    /** mcpd's keepalive for every long-lived TCP connection (B-T4): 60 s idle, 10 s interval, 3 probes. */
    private static final TcpKeepalive KEEPALIVE = TcpKeepalive.DEFAULTS;

    /** pgjdbc instantiates the factory reflectively with this constructor. */
    public KeepaliveSocketFactory() {}

    @Override
    public Socket createSocket() throws IOException {
        Socket socket = new Socket();
        configure(socket);
        return socket;
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        Socket socket = createSocket();
        socket.connect(new InetSocketAddress(host, port));
        return socket;
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        Socket socket = createSocket();
        socket.bind(new InetSocketAddress(localHost, localPort));
        socket.connect(new InetSocketAddress(host, port));
        return socket;
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        Socket socket = createSocket();
        socket.connect(new InetSocketAddress(host, port));
        return socket;
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
        Socket socket = createSocket();
        socket.bind(new InetSocketAddress(localAddress, localPort));
        socket.connect(new InetSocketAddress(address, port));
        return socket;
    }

    /** Turns on keepalive with mcpd's timings (B-T4). */
    static void configure(Socket socket) throws IOException {
        socket.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
        if (socket.supportedOptions().contains(ExtendedSocketOptions.TCP_KEEPIDLE)) {
            socket.setOption(ExtendedSocketOptions.TCP_KEEPIDLE, KEEPALIVE.idleSeconds());
            socket.setOption(ExtendedSocketOptions.TCP_KEEPINTERVAL, KEEPALIVE.intervalSeconds());
            socket.setOption(ExtendedSocketOptions.TCP_KEEPCOUNT, KEEPALIVE.count());
        }
    }
}
