package dev.mcpd.adapter.primary.tcp;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketOption;
import java.time.Duration;
import jdk.net.ExtendedSocketOptions;

/**
 * TCP keepalive settings (B-T4): probe after {@code idle} without traffic, then every {@code interval}, and declare
 * the peer dead after {@code count} unanswered probes, so a half-open peer is found in about
 * {@code idle + interval × count} (90 s by default) instead of the kernel's two hours.
 *
 * @param idle time without traffic before the first probe, at least 1 s (whole seconds on the wire)
 * @param interval time between probes, at least 1 s
 * @param count unanswered probes before the connection is reset, at least 1
 */
public record TcpKeepalive(Duration idle, Duration interval, int count) {

    /** 60 s idle, 10 s interval, 3 probes (B-T4). */
    public static final TcpKeepalive DEFAULTS = new TcpKeepalive(Duration.ofSeconds(60), Duration.ofSeconds(10), 3);

    public TcpKeepalive {
        if (idle.toSeconds() < 1 || interval.toSeconds() < 1 || count < 1) {
            throw new IllegalArgumentException("keepalive needs idle and interval of at least 1 s and count of at least 1: "
                    + idle + ", " + interval + ", " + count);
        }
    }

    /** When a half-open peer is declared dead at the latest, counted from the last traffic. */
    public Duration detectionWindow() {
        return idle.plus(interval.multipliedBy(count));
    }

    /**
     * Turns keepalive on for a JDK socket with these settings ({@code jdk.net.ExtendedSocketOptions}, Linux and
     * macOS). Where the platform lacks one of the tuning options, keepalive stays on with the system's value.
     */
    public void applyTo(Socket socket) throws IOException {
        socket.setKeepAlive(true);
        setIfSupported(socket, ExtendedSocketOptions.TCP_KEEPIDLE, (int) idle.toSeconds());
        setIfSupported(socket, ExtendedSocketOptions.TCP_KEEPINTERVAL, (int) interval.toSeconds());
        setIfSupported(socket, ExtendedSocketOptions.TCP_KEEPCOUNT, count);
    }

    private static void setIfSupported(Socket socket, SocketOption<Integer> option, int value) throws IOException {
        if (socket.supportedOptions().contains(option)) {
            socket.setOption(option, value);
        }
    }

    @Override
    public String toString() {
        return idle.toSeconds() + "s/" + interval.toSeconds() + "s/" + count;
    }
}
