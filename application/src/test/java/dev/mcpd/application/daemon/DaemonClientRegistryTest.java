package dev.mcpd.application.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpd.domain.contract.ClientRegistryContract;
import dev.mcpd.domain.model.ClientId;
import dev.mcpd.domain.model.PeerCredentials;
import dev.mcpd.domain.model.TransportKind;
import dev.mcpd.domain.port.ClientRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class DaemonClientRegistryTest extends ClientRegistryContract {

    @Override
    protected ClientRegistry newRegistry() {
        return new DaemonClientRegistry();
    }

    @Test
    @DisplayName("B-L4 concurrent call starts and finishes on one client balance to zero")
    void concurrentCallCountingBalances() throws InterruptedException {
        ClientId id = registry.register(TransportKind.UNIX_SOCKET, PeerCredentials.unknown(), Instant.EPOCH);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            threads.add(Thread.ofVirtual().start(() -> {
                for (int i = 0; i < 1_000; i++) {
                    registry.callStarted(id);
                    registry.touch(id, Instant.EPOCH.plusMillis(i));
                    registry.callFinished(id);
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }

        assertThat(registry.inFlightCalls()).isZero();
        assertThat(registry.find(id).orElseThrow().lastActivity()).isEqualTo(Instant.EPOCH.plusMillis(999));
    }
}
