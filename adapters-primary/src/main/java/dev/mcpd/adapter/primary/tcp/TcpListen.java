package dev.mcpd.adapter.primary.tcp;

import static java.util.Objects.requireNonNull;

import dev.mcpd.domain.model.TcpKeepalive;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where and how the TCP transport listens.
 *
 * @param host the address to bind, e.g. {@code 127.0.0.1} (B-T3: loopback unless told otherwise)
 * @param port the port, or 0 for a free one chosen by the kernel (the bound port goes to {@code daemon.json})
 * @param keepalive keepalive for every accepted connection (B-T4)
 * @param tls a PEM certificate chain and private key to serve TLS with, or empty for plain TCP
 */
public record TcpListen(String host, int port, TcpKeepalive keepalive, Optional<Tls> tls) {

    /** PEM files for TLS. */
    public record Tls(Path certificateChain, Path privateKey) {
        public Tls {
            requireNonNull(certificateChain, "certificateChain is null");
            requireNonNull(privateKey, "privateKey is null");
        }
    }

    public TcpListen {
        requireNonNull(host, "host is null");
        requireNonNull(keepalive, "keepalive is null");
        requireNonNull(tls, "tls is null");
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port " + port + " is not in 0..65535");
        }
    }

    /**
     * Parses {@code host:port} (or {@code [v6]:port}), as in {@code MCPD_TCP_LISTEN}.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static TcpListen parse(String hostPort, TcpKeepalive keepalive, Optional<Tls> tls) {
        String text = requireNonNull(hostPort, "hostPort is null").strip();
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException("expected HOST:PORT such as 127.0.0.1:0, got '" + hostPort + "'");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("port in '" + hostPort + "' is not a number");
        }
        return new TcpListen(host, port, keepalive, tls);
    }

    /**
     * Whether {@link #host()} names only this machine ({@code 127.0.0.0/8}, {@code ::1}, {@code localhost}). Any
     * other bind, the wildcard included, is reachable from elsewhere. Resolves the name without network lookups for
     * literals; a name that does not resolve counts as remote.
     */
    public boolean isLoopbackOnly() {
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        try {
            InetAddress address = InetAddress.getByName(host);
            return address.isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port + (tls.isPresent() ? " (TLS)" : "");
    }
}
