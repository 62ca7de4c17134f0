package dev.mcpd.domain.model;

import java.time.Duration;

/**
 * TCP keepalive settings (B-T4): probe after {@code idle} without traffic, then every {@code interval}, and declare
 * the peer dead after {@code count} unanswered probes, so a half-open peer is found in about
 * {@code idle + interval × count} (90 s by default) instead of the kernel's two hours. One value for every
 * long-lived TCP connection mcpd has: the daemon's and the proxy's transport sockets (hyperd is reached over a
 * Unix-domain socket, ADR 0013). Each
 * adapter applies it with its socket API ({@code jdk.net.ExtendedSocketOptions}, Netty's epoll options).
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

    /** Seconds before the first probe, as socket options take it. */
    public int idleSeconds() {
        return (int) idle.toSeconds();
    }

    /** Seconds between probes, as socket options take it. */
    public int intervalSeconds() {
        return (int) interval.toSeconds();
    }

    @Override
    public String toString() {
        return idle.toSeconds() + "s/" + interval.toSeconds() + "s/" + count;
    }
}
