package dev.mcpd.application.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mcpd.domain.model.ClientId;
import dev.mcpd.domain.model.PeerCredentials;
import dev.mcpd.domain.model.TransportKind;
import dev.mcpd.domain.testing.TestTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** {@link ActivityTracker}'s drain (B-E1): it waits for the last call in flight, woken by its end, not by polling. */
class ActivityTrackerTest {

    private static final Duration LONG = Duration.ofMinutes(10);
    private static final Duration QUIET = TestTime.millis(100);
    private static final Duration SLACK = TestTime.millis(3_000);

    private final DaemonClientRegistry registry = new DaemonClientRegistry();
    private final ActivityTracker activity = new ActivityTracker(registry,
            Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC));

    @Test
    @DisplayName("B-E1 the drain ends when the last call in flight finishes, long before its bound")
    void theDrainEndsWhenTheLastCallFinishes() throws Exception {
        ClientId client = registry.register(TransportKind.IN_MEMORY, PeerCredentials.unknown(), Instant.EPOCH);
        registry.callStarted(client);
        registry.callStarted(client);
        CompletableFuture<Boolean> drained = CompletableFuture.supplyAsync(() -> activity.awaitNoCallsInFlight(LONG));

        registry.callFinished(client);
        activity.callFinished();
        await().during(QUIET).atMost(QUIET.plus(SLACK)).until(() -> !drained.isDone());
        registry.callFinished(client);
        activity.callFinished();

        assertThat(drained.get(SLACK.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    }

    @Test
    @DisplayName("B-E1 a client that leaves takes its calls with it, and that ends the drain too")
    void aClientLeavingEndsTheDrain() throws Exception {
        ClientId client = registry.register(TransportKind.IN_MEMORY, PeerCredentials.unknown(), Instant.EPOCH);
        registry.callStarted(client);
        CompletableFuture<Boolean> drained = CompletableFuture.supplyAsync(() -> activity.awaitNoCallsInFlight(LONG));

        registry.remove(client);
        activity.clientLeft();

        assertThat(drained.get(SLACK.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    }

    @Test
    @DisplayName("B-E1 a drain whose calls never end returns false at its bound")
    void aDrainIsBounded() {
        ClientId client = registry.register(TransportKind.IN_MEMORY, PeerCredentials.unknown(), Instant.EPOCH);
        registry.callStarted(client);

        assertThat(activity.awaitNoCallsInFlight(Duration.ofMillis(20))).isFalse();
    }
}
