package dev.mcpd.domain.model;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;

/**
 * The discovery record {@code daemon.json} (B-S2): how proxies find the daemon of their scope.
 *
 * @param pid the daemon process, with its start instant so that a reused pid is not taken for it
 * @param version the daemon's build version (B-W5)
 * @param scope the scope the daemon serves
 * @param endpoints where it listens, the preferred one first
 * @param startedAt when the daemon finished starting
 * @param token the TCP token (B-T3), or {@code null} when no TCP transport listens
 * @param history why earlier daemons of this scope exited, newest first (B-L6)
 */
public record DaemonRecord(Pid pid, String version, String scope, List<Endpoint> endpoints, Instant startedAt, String token,
        List<String> history) {

    /** A record without exit history. */
    public DaemonRecord(Pid pid, String version, String scope, List<Endpoint> endpoints, Instant startedAt, String token) {
        this(pid, version, scope, endpoints, startedAt, token, List.of());
    }

    public DaemonRecord {
        requireNonNull(pid, "pid is null");
        requireNonNull(version, "version is null");
        requireNonNull(scope, "scope is null");
        requireNonNull(startedAt, "startedAt is null");
        endpoints = List.copyOf(endpoints);
        history = history == null ? List.of() : List.copyOf(history);
    }

    /** The record with its token redacted ({@code token=<redacted>}), so that a log line never carries it (review finding 23). */
    @Override
    public String toString() {
        return "DaemonRecord[pid=" + pid + ", version=" + version + ", scope=" + scope + ", endpoints=" + endpoints
                + ", startedAt=" + startedAt + ", token=" + (token == null ? "null" : "<redacted>") + ", history=" + history + "]";
    }
}
