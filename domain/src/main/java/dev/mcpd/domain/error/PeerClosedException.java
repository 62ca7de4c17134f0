package dev.mcpd.domain.error;

/** The peer closed the connection. */
public final class PeerClosedException extends McpdException {

    public PeerClosedException(String message) {
        super(ErrorCode.PEER_CLOSED, message, null);
    }

    public PeerClosedException(String message, Throwable cause) {
        super(ErrorCode.PEER_CLOSED, message, cause);
    }
}
