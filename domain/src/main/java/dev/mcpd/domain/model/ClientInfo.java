package dev.mcpd.domain.model;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * A snapshot of one connected client, as {@code daemon_status} reports it.
 *
 * @param id the daemon-local client id
 * @param transport the transport the client came in on
 * @param connectedAt when the connection was accepted (B-L1)
 * @param peer kernel peer credentials read at accept
 * @param proxyPid the client process with its start instant, or {@code null} if unknown
 * @param hostPid the host process with its start instant, or {@code null} if unknown
 * @param helloReceived whether a client hello arrived (false: a legacy client, B-W3)
 * @param lastActivity when the last line arrived from or went to this client
 * @param inFlightCalls requests received and not yet answered
 * @param description what the client said about itself for display only (role, unchecked pids; ADR 0011); never null
 */
public record ClientInfo(
        ClientId id,
        TransportKind transport,
        Instant connectedAt,
        PeerCredentials peer,
        Pid proxyPid,
        Pid hostPid,
        boolean helloReceived,
        Instant lastActivity,
        int inFlightCalls,
        ClientDescription description) {

    /** A client that described nothing beyond its pids. */
    public ClientInfo(ClientId id, TransportKind transport, Instant connectedAt, PeerCredentials peer, Pid proxyPid,
            Pid hostPid, boolean helloReceived, Instant lastActivity, int inFlightCalls) {
        this(id, transport, connectedAt, peer, proxyPid, hostPid, helloReceived, lastActivity, inFlightCalls,
                ClientDescription.NONE);
    }

    public ClientInfo {
        requireNonNull(id, "id is null");
        requireNonNull(transport, "transport is null");
        requireNonNull(connectedAt, "connectedAt is null");
        requireNonNull(peer, "peer is null");
        requireNonNull(lastActivity, "lastActivity is null");
        requireNonNull(description, "description is null");
    }
}
