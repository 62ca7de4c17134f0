package dev.mcpd.domain.fake;

import dev.mcpd.domain.model.ClientDescription;
import dev.mcpd.domain.model.ClientId;
import dev.mcpd.domain.model.ClientInfo;
import dev.mcpd.domain.model.PeerCredentials;
import dev.mcpd.domain.model.Pid;
import dev.mcpd.domain.model.TransportKind;
import dev.mcpd.domain.port.ClientRegistry;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/** The simplest {@link ClientRegistry}: one lock around a sorted map. For tests. */
public final class InMemoryClientRegistry implements ClientRegistry {

    private final TreeMap<Long, ClientInfo> clients = new TreeMap<>();
    private long nextId = 1;

    @Override
    public synchronized ClientId register(TransportKind transport, PeerCredentials peer, Instant connectedAt) {
        ClientId id = new ClientId(nextId++);
        clients.put(id.value(), new ClientInfo(id, transport, connectedAt, peer, null, null, false, connectedAt, 0));
        return id;
    }

    @Override
    public synchronized void identify(ClientId id, Pid proxyPid, Pid hostPid) {
        clients.computeIfPresent(id.value(), (k, c) -> new ClientInfo(c.id(), c.transport(), c.connectedAt(), c.peer(),
                proxyPid, hostPid, true, c.lastActivity(), c.inFlightCalls(), c.description()));
    }

    @Override
    public synchronized void describe(ClientId id, ClientDescription description) {
        clients.computeIfPresent(id.value(), (k, c) -> new ClientInfo(c.id(), c.transport(), c.connectedAt(), c.peer(),
                c.proxyPid(), c.hostPid(), c.helloReceived(), c.lastActivity(), c.inFlightCalls(), description));
    }

    @Override
    public synchronized void touch(ClientId id, Instant at) {
        clients.computeIfPresent(id.value(), (k, c) -> at.isAfter(c.lastActivity())
                ? new ClientInfo(c.id(), c.transport(), c.connectedAt(), c.peer(), c.proxyPid(), c.hostPid(),
                        c.helloReceived(), at, c.inFlightCalls(), c.description())
                : c);
    }

    @Override
    public synchronized void callStarted(ClientId id) {
        adjustCalls(id, 1);
    }

    @Override
    public synchronized void callFinished(ClientId id) {
        adjustCalls(id, -1);
    }

    private void adjustCalls(ClientId id, int delta) {
        clients.computeIfPresent(id.value(), (k, c) -> new ClientInfo(c.id(), c.transport(), c.connectedAt(), c.peer(),
                c.proxyPid(), c.hostPid(), c.helloReceived(), c.lastActivity(), Math.max(0, c.inFlightCalls() + delta),
                c.description()));
    }

    @Override
    public synchronized void remove(ClientId id) {
        clients.remove(id.value());
    }

    @Override
    public synchronized Optional<ClientInfo> find(ClientId id) {
        return Optional.ofNullable(clients.get(id.value()));
    }

    @Override
    public synchronized List<ClientInfo> snapshot() {
        return List.copyOf(clients.values());
    }

    @Override
    public synchronized int size() {
        return clients.size();
    }

    @Override
    public synchronized int inFlightCalls() {
        return clients.values().stream().mapToInt(ClientInfo::inFlightCalls).sum();
    }
}
