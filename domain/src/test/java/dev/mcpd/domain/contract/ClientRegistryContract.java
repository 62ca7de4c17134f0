package dev.mcpd.domain.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpd.domain.model.ClientDescription;
import dev.mcpd.domain.model.ClientId;
import dev.mcpd.domain.model.ClientInfo;
import dev.mcpd.domain.model.PeerCredentials;
import dev.mcpd.domain.model.Pid;
import dev.mcpd.domain.model.TransportKind;
import dev.mcpd.domain.port.ClientRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The contract every {@link ClientRegistry} passes (B-L1, B-L2). */
public abstract class ClientRegistryContract {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final PeerCredentials PEER = new PeerCredentials(1000, 4242);

    protected ClientRegistry registry;

    protected abstract ClientRegistry newRegistry();

    @BeforeEach
    void create() {
        registry = newRegistry();
    }

    @Test
    void aClientCountsFromAcceptBeforeAnyHello() {
        ClientId id = registry.register(TransportKind.UNIX_SOCKET, PEER, T0);
        assertThat(registry.size()).isEqualTo(1);
        ClientInfo info = registry.find(id).orElseThrow();
        assertThat(info.connectedAt()).isEqualTo(T0);
        assertThat(info.lastActivity()).isEqualTo(T0);
        assertThat(info.helloReceived()).isFalse();
        assertThat(info.peer()).isEqualTo(PEER);
        assertThat(info.transport()).isEqualTo(TransportKind.UNIX_SOCKET);
    }

    @Test
    void identifyAttachesPidsToTheClient() {
        ClientId id = registry.register(TransportKind.UNIX_SOCKET, PEER, T0);
        Pid proxy = new Pid(4242, T0.minusSeconds(5));
        Pid host = new Pid(4000, T0.minusSeconds(50));
        registry.identify(id, proxy, host);
        ClientInfo info = registry.find(id).orElseThrow();
        assertThat(info.proxyPid()).isEqualTo(proxy);
        assertThat(info.hostPid()).isEqualTo(host);
        assertThat(info.helloReceived()).isTrue();
    }

    @Test
    void describeAttachesADescriptionThatLaterUpdatesKeep() {
        ClientId id = registry.register(TransportKind.TCP, PEER, T0);
        assertThat(registry.find(id).orElseThrow().description()).isEqualTo(ClientDescription.NONE);
        ClientDescription cli = new ClientDescription(ClientDescription.ROLE_CLI, 4242L, null);
        registry.describe(id, cli);
        registry.identify(id, null, null);
        registry.touch(id, T0.plusSeconds(1));
        registry.callStarted(id);
        assertThat(registry.find(id).orElseThrow().description()).isEqualTo(cli);
        registry.remove(id);
        registry.describe(id, cli);
        assertThat(registry.find(id)).as("no phantom (B-L1)").isEmpty();
    }

    @Test
    void removeIsIdempotentAndLeavesNoPhantom() {
        ClientId id = registry.register(TransportKind.UNIX_SOCKET, PEER, T0);
        registry.callStarted(id);
        registry.remove(id);
        registry.remove(id);
        // Late updates for a removed client must not resurrect it (B-L1).
        registry.touch(id, T0.plusSeconds(1));
        registry.callStarted(id);
        registry.identify(id, Pid.unverified(1), null);
        assertThat(registry.size()).isZero();
        assertThat(registry.find(id)).isEmpty();
        assertThat(registry.inFlightCalls()).isZero();
    }

    @Test
    void countsCallsInFlightPerClientAndInTotal() {
        ClientId a = registry.register(TransportKind.UNIX_SOCKET, PEER, T0);
        ClientId b = registry.register(TransportKind.TCP, PeerCredentials.unknown(), T0);
        registry.callStarted(a);
        registry.callStarted(a);
        registry.callStarted(b);
        assertThat(registry.inFlightCalls()).isEqualTo(3);
        assertThat(registry.find(a).orElseThrow().inFlightCalls()).isEqualTo(2);
        registry.callFinished(a);
        assertThat(registry.inFlightCalls()).isEqualTo(2);
        registry.remove(b);
        assertThat(registry.inFlightCalls()).isEqualTo(1);
    }

    @Test
    void touchMovesLastActivityForwardOnly() {
        ClientId id = registry.register(TransportKind.UNIX_SOCKET, PEER, T0);
        registry.touch(id, T0.plusSeconds(10));
        registry.touch(id, T0.plusSeconds(5));
        assertThat(registry.find(id).orElseThrow().lastActivity()).isEqualTo(T0.plusSeconds(10));
    }

    @Test
    void snapshotIsOrderedByIdAndIdsAreNeverReused() {
        List<ClientId> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(registry.register(TransportKind.UNIX_SOCKET, PEER, T0));
        }
        registry.remove(ids.get(4));
        ClientId next = registry.register(TransportKind.UNIX_SOCKET, PEER, T0);
        assertThat(ids).doesNotContain(next);
        List<Long> snapshotIds = registry.snapshot().stream().map(c -> c.id().value()).toList();
        assertThat(snapshotIds).isSorted().hasSize(5);
    }

    @Test
    void isSafeUnderConcurrentRegistrationAndRemoval() throws InterruptedException {
        ConcurrentLinkedQueue<ClientId> ids = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            threads.add(Thread.ofVirtual().start(() -> {
                for (int i = 0; i < 500; i++) {
                    ClientId id = registry.register(TransportKind.UNIX_SOCKET, PEER, T0);
                    registry.callStarted(id);
                    ids.add(id);
                    if (i % 2 == 0) {
                        registry.callFinished(id);
                        registry.remove(id);
                    }
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertThat(ids).hasSize(4000).doesNotHaveDuplicates();
        assertThat(registry.size()).isEqualTo(2000);
        assertThat(registry.inFlightCalls()).isEqualTo(2000);
    }
}
