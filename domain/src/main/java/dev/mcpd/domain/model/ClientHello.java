package dev.mcpd.domain.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The optional first line a client sends after the daemon's hello (B-W3):
 * {@code {"mcpd_client":1,"pid":N,"hostPid":N|null,"env":{…},"token":"…"}}.
 *
 * @param pid the client (proxy) process id as the client reports it, positive
 * @param hostPid the host process (Claude Code, an IDE) that started the proxy, or {@code null} if unknown
 * @param env environment forwarded for the backends (B-G6), e.g. {@code DOCKER_HOST}; never null, iteration order kept
 * @param token the TCP token (B-T3), or {@code null}
 * @param role what the client is, for display only: {@code "cli"} for a one-shot {@code mcpd} command, {@code null}
 *     for a proxy (ADR 0011)
 */
public record ClientHello(long pid, Long hostPid, Map<String, String> env, String token, String role) {

    /** The only client-hello protocol version this build speaks. */
    public static final int PROTOCOL = 1;

    /** A proxy's hello (no role). */
    public ClientHello(long pid, Long hostPid, Map<String, String> env, String token) {
        this(pid, hostPid, env, token, null);
    }

    public ClientHello {
        if (pid <= 0) {
            throw new IllegalArgumentException("pid must be positive, was " + pid);
        }
        if (hostPid != null && hostPid <= 0) {
            throw new IllegalArgumentException("hostPid must be positive, was " + hostPid);
        }
        env = env == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(env));
    }

    /** The hello with its token redacted ({@code token=<redacted>}), so that a log line never carries it (review finding 23). */
    @Override
    public String toString() {
        return "ClientHello[pid=" + pid + ", hostPid=" + hostPid + ", env=" + env + ", token="
                + (token == null ? "null" : "<redacted>") + ", role=" + role + "]";
    }
}
