package dev.mcpd.domain.port;

import dev.mcpd.domain.model.Availability;
import dev.mcpd.domain.model.Endpoint;
import dev.mcpd.domain.model.TransportKind;
import java.io.IOException;

/**
 * A listening endpoint that hands each accepted connection to a {@link ConnectionHandler} (B-T1).
 *
 * <p>Invariants, checked by {@code TransportContract} for every implementation:
 * <ol>
 *   <li>Each accepted connection is handled on its own thread; a slow handler never delays another (B-M8, B-C4).
 *   <li>When a handler returns, its connection is closed at once, without waiting for the peer (B-C1).
 *   <li>{@link #requestStop()} stops accepting at once and leaves live connections to finish (B-C2).
 *   <li>{@link #requestForcefulStop()} also closes every live connection; neither call waits for peers.
 *   <li>After a stop the endpoint is released (a Unix socket file is removed by its owner).
 * </ol>
 */
public interface Transport extends AutoCloseable {

    /** The kind of transport. */
    TransportKind kind();

    /** Whether this transport can run on this machine, and if not why. Cheap; does not bind. */
    Availability availability();

    /**
     * Binds and starts accepting.
     *
     * @param handler serves each accepted connection
     * @return the endpoint actually bound (a chosen port, a fallback path)
     * @throws IOException if the endpoint cannot be bound
     * @throws IllegalStateException if already started
     */
    Endpoint start(ConnectionHandler handler) throws IOException;

    /** The number of connections accepted and not yet closed. */
    int openConnections();

    /** Stops accepting; live connections are left to end on their own. Returns at once; idempotent. */
    void requestStop();

    /** Stops accepting and closes every live connection. Returns at once; idempotent. */
    void requestForcefulStop();

    /** Same as {@link #requestForcefulStop()}. */
    @Override
    void close();
}
