package dev.mcpd.bootstrap;

import dev.mcpd.adapter.primary.tcp.TcpListen;
import dev.mcpd.domain.model.AccessToken;
import dev.mcpd.domain.model.TcpKeepalive;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The TCP part of mcpd's configuration (B-T3, B-T4), read with the rest by {@link McpdConfig#fromEnvironment}.
 *
 * @param listen where the daemon listens on TCP ({@code MCPD_TCP_LISTEN=HOST:PORT}); empty = no TCP (the default)
 * @param keepalive keepalive of every TCP connection, daemon and proxy side ({@code MCPD_TCP_KEEPALIVE=60s/10s/3})
 * @param token the token a proxy presents when it connects over TCP ({@code MCPD_TCP_TOKEN}), if given there
 * @param trust a PEM file of certificates a proxy trusts: when set, the proxy speaks TLS to TCP daemons
 *     ({@code MCPD_TCP_TLS_CA})
 */
public record TcpConfig(Optional<TcpListen> listen, TcpKeepalive keepalive,
        Optional<AccessToken> token, Optional<Path> trust) {

    /** The variables read here. */
    static final List<String> KEYS = List.of("MCPD_TCP_LISTEN", "MCPD_TCP_AUTH", "MCPD_TCP_KEEPALIVE",
            "MCPD_TCP_TLS_CERT", "MCPD_TCP_TLS_KEY", "MCPD_TCP_TOKEN", "MCPD_TCP_TLS_CA");

    /** No TCP, default keepalive. */
    public static final TcpConfig OFF = new TcpConfig(Optional.empty(), TcpKeepalive.DEFAULTS, Optional.empty(),
            Optional.empty());

    /** Reads the TCP settings; each problem is added to {@code problems} (all are reported together, B-X2). */
    static TcpConfig fromEnvironment(Map<String, String> env, List<String> problems) {
        TcpKeepalive keepalive = keepalive(env.getOrDefault("MCPD_TCP_KEEPALIVE", "60s/10s/3"), problems);
        // Every TCP client presents the token (B-T3). `none` was removed (review finding 11, ADR 0011): loopback is
        // shared by every local user, so a token-less TCP port let any of them drive the daemon as its owner.
        String auth = env.getOrDefault("MCPD_TCP_AUTH", "token").strip();
        if (auth.equals("none")) {
            problems.add("MCPD_TCP_AUTH=none is no longer accepted: any local user could reach a token-less TCP port, "
                    + "loopback included (ADR 0011); remove it and give clients the token from daemon.json "
                    + "(`mcpd serve --mcp --connect tcp://HOST:PORT --token-file PATH/daemon.json`)");
        } else if (!auth.equals("token")) {
            problems.add("MCPD_TCP_AUTH='" + auth + "' must be token (the only mode)");
        }
        Optional<TcpListen.Tls> tls = tls(env, problems);
        Optional<TcpListen> listen = Optional.empty();
        String listenText = env.getOrDefault("MCPD_TCP_LISTEN", "").strip();
        if (!listenText.isEmpty() && !listenText.equals("off")) {
            try {
                TcpListen parsed = TcpListen.parse(listenText, keepalive == null ? TcpKeepalive.DEFAULTS : keepalive, tls);
                listen = Optional.of(parsed);
            } catch (IllegalArgumentException e) {
                problems.add("MCPD_TCP_LISTEN: " + e.getMessage());
            }
        } else if (tls.isPresent()) {
            problems.add("MCPD_TCP_TLS_CERT and MCPD_TCP_TLS_KEY are set but MCPD_TCP_LISTEN is not: nothing would use them");
        }
        Optional<AccessToken> token = Optional.empty();
        String tokenText = env.getOrDefault("MCPD_TCP_TOKEN", "").strip();
        if (!tokenText.isEmpty()) {
            try {
                token = Optional.of(AccessToken.parse(tokenText));
            } catch (IllegalArgumentException e) {
                problems.add("MCPD_TCP_TOKEN: " + e.getMessage());
            }
        }
        Optional<Path> trust = Optional.empty();
        String trustText = env.getOrDefault("MCPD_TCP_TLS_CA", "").strip();
        if (!trustText.isEmpty()) {
            if (Files.isReadable(Path.of(trustText))) {
                trust = Optional.of(Path.of(trustText));
            } else {
                problems.add("MCPD_TCP_TLS_CA=" + trustText + " is not a readable PEM file");
            }
        }
        return new TcpConfig(listen, keepalive == null ? TcpKeepalive.DEFAULTS : keepalive, token, trust);
    }

    /** Parses {@code IDLE/INTERVAL/COUNT}, e.g. {@code 60s/10s/3}. */
    private static TcpKeepalive keepalive(String text, List<String> problems) {
        String[] parts = text.strip().split("/");
        if (parts.length != 3) {
            problems.add("MCPD_TCP_KEEPALIVE='" + text + "' must be IDLE/INTERVAL/COUNT, e.g. 60s/10s/3");
            return null;
        }
        try {
            Duration idle = Durations.parse(parts[0]);
            Duration interval = Durations.parse(parts[1]);
            int count = Integer.parseInt(parts[2].strip());
            return new TcpKeepalive(idle, interval, count);
        } catch (IllegalArgumentException e) {
            problems.add("MCPD_TCP_KEEPALIVE='" + text + "': " + e.getMessage());
            return null;
        }
    }

    private static Optional<TcpListen.Tls> tls(Map<String, String> env, List<String> problems) {
        String cert = env.getOrDefault("MCPD_TCP_TLS_CERT", "").strip();
        String key = env.getOrDefault("MCPD_TCP_TLS_KEY", "").strip();
        if (cert.isEmpty() && key.isEmpty()) {
            return Optional.empty();
        }
        if (cert.isEmpty() || key.isEmpty()) {
            problems.add("MCPD_TCP_TLS_CERT and MCPD_TCP_TLS_KEY go together: set both PEM files, or neither");
            return Optional.empty();
        }
        boolean ok = true;
        for (String path : List.of(cert, key)) {
            if (!Files.isReadable(Path.of(path))) {
                problems.add("TLS file " + path + " is not readable");
                ok = false;
            }
        }
        return ok ? Optional.of(new TcpListen.Tls(Path.of(cert), Path.of(key))) : Optional.empty();
    }
}
