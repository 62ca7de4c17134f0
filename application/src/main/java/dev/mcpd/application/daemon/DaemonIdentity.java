package dev.mcpd.application.daemon;

import static java.util.Objects.requireNonNull;

import dev.mcpd.domain.model.Pid;

/**
 * Who this daemon is.
 *
 * @param version the build version (B-W5)
 * @param pid this process, with its start instant
 * @param uid the user this daemon serves; peers of another uid are refused (B-T2)
 * @param scope what the daemon serves, e.g. {@code user:1000}
 */
public record DaemonIdentity(String version, Pid pid, long uid, String scope) {

    public DaemonIdentity {
        requireNonNull(version, "version is null");
        requireNonNull(pid, "pid is null");
        requireNonNull(scope, "scope is null");
    }
}
