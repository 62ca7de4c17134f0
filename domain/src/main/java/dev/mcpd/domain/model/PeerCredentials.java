package dev.mcpd.domain.model;

/**
 * What the kernel says about the process at the other end of a local connection: {@code SO_PEERCRED} on Unix
 * sockets, {@code GetNamedPipeClientProcessId} on named pipes (B-L2). Not forgeable by the peer, unlike its hello.
 *
 * @param uid the peer's user id, or {@link #UNKNOWN}
 * @param pid the peer's process id, or {@link #UNKNOWN}
 */
public record PeerCredentials(long uid, long pid) {

    /** Marks a field the transport cannot report (TCP, a platform without peer credentials). */
    public static final long UNKNOWN = -1;

    private static final PeerCredentials NONE = new PeerCredentials(UNKNOWN, UNKNOWN);

    public static PeerCredentials unknown() {
        return NONE;
    }

    public boolean hasPid() {
        return pid > 0;
    }

    public boolean hasUid() {
        return uid >= 0;
    }
}
