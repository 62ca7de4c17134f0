package dev.mcpd.adapter.primary.tcp;

import dev.mcpd.domain.model.TcpKeepalive;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketOption;
import jdk.net.ExtendedSocketOptions;

/** Applies a {@link TcpKeepalive} to a JDK socket (B-T4). */
final class SocketKeepalive {

    private SocketKeepalive() {}

    /**
     * Turns keepalive on with {@code keepalive}'s timing ({@code jdk.net.ExtendedSocketOptions}, Linux and macOS).
     * Where the platform lacks one of the tuning options, keepalive stays on with the system's value.
     */
    static void apply(TcpKeepalive keepalive, Socket socket) throws IOException {
        socket.setKeepAlive(true);
        setIfSupported(socket, ExtendedSocketOptions.TCP_KEEPIDLE, keepalive.idleSeconds());
        setIfSupported(socket, ExtendedSocketOptions.TCP_KEEPINTERVAL, keepalive.intervalSeconds());
        setIfSupported(socket, ExtendedSocketOptions.TCP_KEEPCOUNT, keepalive.count());
    }

    private static void setIfSupported(Socket socket, SocketOption<Integer> option, int value) throws IOException {
        if (socket.supportedOptions().contains(option)) {
            socket.setOption(option, value);
        }
    }
}
