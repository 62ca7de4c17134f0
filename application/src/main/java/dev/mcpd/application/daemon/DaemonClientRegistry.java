package dev.mcpd.application.daemon;

import dev.mcpd.domain.model.ClientDescription;
import dev.mcpd.domain.model.ClientId;
import dev.mcpd.domain.model.ClientInfo;
import dev.mcpd.domain.model.PeerCredentials;
import dev.mcpd.domain.model.Pid;
import dev.mcpd.domain.model.TransportKind;
import dev.mcpd.domain.port.ClientRegistry;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The daemon's {@link ClientRegistry}: a concurrent map of immutable records updated by compare-and-set, so that
 * no lock is ever held and a late update for a removed client cannot resurrect it (B-L1).
 */
public final class DaemonClientRegistry implements ClientRegistry {

    private final ConcurrentMap<ClientId, ClientInfo> clients = new ConcurrentHashMap<>();
    private final AtomicLong nextId = new AtomicLong(1);

    @Override
    public ClientId register(TransportKind transport, PeerCredentials peer, Instant connectedAt) {
        ClientId id = new ClientId(nextId.getAndIncrement());
        clients.put(id, new ClientInfo(id, transport, connectedAt, peer, null, null, false, connectedAt, 0));
        return id;
    }

    @Override
    public void identify(ClientId id, Pid proxyPid, Pid hostPid) {
        clients.computeIfPresent(id, (k, c) -> new ClientInfo(c.id(), c.transport(), c.connectedAt(), c.peer(),
                proxyPid, hostPid, true, c.lastActivity(), c.inFlightCalls(), c.description()));
    }

    @Override
    public void describe(ClientId id, ClientDescription description) {
        clients.computeIfPresent(id, (k, c) -> new ClientInfo(c.id(), c.transport(), c.connectedAt(), c.peer(),
                c.proxyPid(), c.hostPid(), c.helloReceived(), c.lastActivity(), c.inFlightCalls(), description));
    }

    @Override
    public void touch(ClientId id, Instant at) {
        clients.computeIfPresent(id, (k, c) -> at.isAfter(c.lastActivity())
                ? new ClientInfo(c.id(), c.transport(), c.connectedAt(), c.peer(), c.proxyPid(), c.hostPid(),
                        c.helloReceived(), at, c.inFlightCalls(), c.description())
                : c);
    }

    @Override
    public void callStarted(ClientId id) {
        adjust(id, 1);
    }

    @Override
    public void callFinished(ClientId id) {
        adjust(id, -1);
    }

    private void adjust(ClientId id, int delta) {
        clients.computeIfPresent(id, (k, c) -> new ClientInfo(c.id(), c.transport(), c.connectedAt(), c.peer(),
                c.proxyPid(), c.hostPid(), c.helloReceived(), c.lastActivity(), Math.max(0, c.inFlightCalls() + delta),
                c.description()));
    }

    @Override
    public void remove(ClientId id) {
        clients.remove(id);
    }

    @Override
    public Optional<ClientInfo> find(ClientId id) {
        return Optional.ofNullable(clients.get(id));
    }

    @Override
    public List<ClientInfo> snapshot() {
        return clients.values().stream().sorted(Comparator.comparingLong(c -> c.id().value())).toList();
    }

    @Override
    public int size() {
        return clients.size();
    }

    @Override
    public int inFlightCalls() {
        int sum = 0;
        for (ClientInfo client : clients.values()) {
            sum += client.inFlightCalls();
        }
        return sum;
    }
}
