package dev.mcpd.domain.model;

import static java.util.Objects.requireNonNull;

/**
 * The line a daemon sends first on every connection (B-W2):
 * {@code {"mcpd":"<version>","protocol":1,"pid":N,"scope":"…"}}.
 *
 * @param version the daemon's build version; a proxy of another version never mixes with it (B-W5)
 * @param protocol the wire protocol version, {@link #PROTOCOL}
 * @param pid the daemon's process id
 * @param scope what the daemon serves, e.g. {@code user:1000}
 */
public record DaemonHello(String version, int protocol, long pid, String scope) {

    /** The wire protocol version of this build. */
    public static final int PROTOCOL = 1;

    public DaemonHello {
        requireNonNull(version, "version is null");
        requireNonNull(scope, "scope is null");
    }
}
