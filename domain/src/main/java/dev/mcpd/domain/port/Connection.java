package dev.mcpd.domain.port;

import dev.mcpd.domain.model.Endpoint;
import dev.mcpd.domain.model.PeerCredentials;
import java.io.Closeable;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;

/**
 * One accepted connection, as a pair of byte streams.
 *
 * <p>Invariants:
 * <ol>
 *   <li>{@link #close()} returns at once: it never waits for the peer to read, acknowledge or close (B-C1).
 *   <li>Closing unblocks a thread blocked in {@code input().read} or {@code output().write}, which then throws.
 *   <li>{@link #peer()} is read from the kernel at accept, not from anything the peer sent (B-L2).
 * </ol>
 */
public interface Connection extends Closeable {

    /** The endpoint this connection was accepted on. */
    Endpoint endpoint();

    /** The kernel's view of the peer; {@link PeerCredentials#unknown()} where the transport has none. */
    PeerCredentials peer();

    /**
     * The peer's network address as {@code host:port} where the transport has one (TCP), for logs and refusals;
     * empty for local transports, whose peer is named by {@link #peer()}.
     */
    default Optional<String> remoteAddress() {
        return Optional.empty();
    }

    /** Bytes from the peer. Not buffered by the transport; callers buffer. */
    InputStream input();

    /** Bytes to the peer. Callers flush after each message. */
    OutputStream output();

    /** Whether {@link #close()} has not been called and the transport has not seen the connection break. */
    boolean isOpen();

    /** Closes both directions now, without lingering (B-C1). Idempotent; never throws. */
    @Override
    void close();
}
