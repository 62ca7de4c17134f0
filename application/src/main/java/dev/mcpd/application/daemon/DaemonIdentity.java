package dev.mcpd.application.daemon;

import static java.util.Objects.requireNonNull;

import dev.mcpd.domain.model.AccessToken;
import dev.mcpd.domain.model.Pid;

/**
 * Who this daemon is.
 *
 * @param version the build version (B-W5)
 * @param pid this process, with its start instant
 * @param uid the user this daemon serves; peers of another uid are refused (B-T2)
 * @param scope what the daemon serves, e.g. {@code user:1000}
 * @param token the secret every TCP client must present in its hello (B-T3), or {@code null} when no TCP transport
 *     listens or token checks were turned off for a loopback bind
 */
public record DaemonIdentity(String version, Pid pid, long uid, String scope, AccessToken token) {

    public DaemonIdentity {
        requireNonNull(version, "version is null");
        requireNonNull(pid, "pid is null");
        requireNonNull(scope, "scope is null");
    }

    /** An identity without a TCP token. */
    public DaemonIdentity(String version, Pid pid, long uid, String scope) {
        this(version, pid, uid, scope, null);
    }
}
