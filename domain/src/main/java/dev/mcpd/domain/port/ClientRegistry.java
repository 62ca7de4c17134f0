package dev.mcpd.domain.port;

import dev.mcpd.domain.model.ClientDescription;
import dev.mcpd.domain.model.ClientId;
import dev.mcpd.domain.model.ClientInfo;
import dev.mcpd.domain.model.PeerCredentials;
import dev.mcpd.domain.model.Pid;
import dev.mcpd.domain.model.TransportKind;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The daemon's book of connected clients (B-L1).
 *
 * <p>Invariants, checked by {@code ClientRegistryContract}:
 * <ol>
 *   <li>A client exists from {@link #register} (at accept) until {@link #remove}; a hello only adds data to it.
 *   <li>{@link #remove} is idempotent; updates for a removed or unknown client are ignored (no phantoms, B-L1).
 *   <li>{@link #inFlightCalls()} is the sum over live clients; removing a client drops its calls from the sum.
 *   <li>{@link #snapshot()} is ordered by client id, so output is deterministic.
 *   <li>All methods are safe to call from many threads and never block on I/O.
 * </ol>
 */
public interface ClientRegistry {

    /**
     * Adds a client at accept.
     *
     * @return the new client's id
     */
    ClientId register(TransportKind transport, PeerCredentials peer, Instant connectedAt);

    /** Attaches the identities learned from the hello and the kernel (B-L2). Either pid may be null. */
    void identify(ClientId id, Pid proxyPid, Pid hostPid);

    /** Attaches what the client said about itself, shown by {@code daemon_status} and never acted on (ADR 0011). */
    void describe(ClientId id, ClientDescription description);

    /** Records traffic to or from the client. */
    void touch(ClientId id, Instant at);

    /** Counts one more request in flight for the client. */
    void callStarted(ClientId id);

    /** Counts one request answered (or cancelled) for the client. */
    void callFinished(ClientId id);

    /** Removes the client; idempotent. */
    void remove(ClientId id);

    /** The client's current record, if it is still registered. */
    Optional<ClientInfo> find(ClientId id);

    /** Every live client, ordered by id. */
    List<ClientInfo> snapshot();

    /** The number of live clients. */
    int size();

    /** The number of requests in flight over all live clients. */
    int inFlightCalls();
}
