package dev.mcpd.domain.port;

import dev.mcpd.domain.model.Availability;
import dev.mcpd.domain.model.Endpoint;
import dev.mcpd.domain.model.TransportKind;
import java.io.IOException;
import java.util.Optional;

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

    /**
     * For a started transport: why the endpoint it bound is no longer its own, so that no client can reach it
     * there (its socket file was removed or replaced by another file), or empty while it is intact. A transport
     * whose endpoint cannot be taken away from under it (a TCP port, a name in Linux's abstract namespace, a named
     * pipe) always answers empty, as does one that was not started. Cheap (a {@code stat} at most); never throws.
     * The daemon's endpoint-lost policy asks every transport it started (B-L6; review finding 3).
     *
     * @return a sentence naming the endpoint and what happened to it, or empty
     */
    default Optional<String> endpointProblem() {
        return Optional.empty();
    }

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
