package dev.mcpd.application.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpd.domain.testing.ManualTicker;
import dev.mcpd.domain.testing.TestTime;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** {@link DaemonStateCoordinator}: one state that only moves forward, the first stop reason, and waits on it. */
class DaemonStateCoordinatorTest {

    private static final Duration SLACK = TestTime.millis(3_000);

    private final ManualTicker ticker = new ManualTicker();
    private final DaemonStateCoordinator coordinator = new DaemonStateCoordinator(ticker);

    @Test
    @DisplayName("the state only moves forward: a stop requested while starting is not undone by the start")
    void theStateOnlyMovesForward() {
        assertThat(coordinator.state()).isEqualTo(DaemonState.STARTING);

        coordinator.requestStop("SIGTERM");
        DaemonState before = coordinator.advanceTo(DaemonState.SERVING);

        assertThat(before).isEqualTo(DaemonState.STOP_REQUESTED);
        assertThat(coordinator.state()).isEqualTo(DaemonState.STOP_REQUESTED);
        assertThat(coordinator.state().isStopping()).isTrue();
    }

    @Test
    @DisplayName("B-E1 the first stop reason is kept; a later request changes nothing")
    void theFirstStopReasonIsKept() {
        assertThat(coordinator.requestStop("daemon_stop")).isTrue();
        coordinator.advanceTo(DaemonState.FORCE_STOP_REQUESTED);

        assertThat(coordinator.requestStop("expired: idle")).isFalse();
        assertThat(coordinator.stopReason()).isEqualTo("daemon_stop");
        assertThat(coordinator.state()).isEqualTo(DaemonState.FORCE_STOP_REQUESTED);
    }

    @Test
    @DisplayName("a wait for a stop ends on the request, whichever thread makes it")
    void aWaitForAStopEndsOnTheRequest() throws Exception {
        coordinator.advanceTo(DaemonState.SERVING);
        CompletableFuture<DaemonState> seen = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> seen.complete(coordinator.awaitUninterruptibly(DaemonState::isStopping)));

        coordinator.requestStop("test");

        assertThat(seen.get(SLACK.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(DaemonState.STOP_REQUESTED);
    }

    @Test
    @DisplayName("B-E2 a deadline wait ends when the ticker passes the deadline, in the state it found")
    void aDeadlineWaitEndsOnTheTicker() throws Exception {
        coordinator.requestStop("test");
        long deadline = ticker.deadlineAfter(Duration.ofSeconds(10));
        CompletableFuture<DaemonState> seen = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                seen.complete(coordinator.awaitUntil(s -> s == DaemonState.STOPPED, deadline));
            } catch (InterruptedException e) {
                seen.completeExceptionally(e);
            }
        });

        ticker.advance(Duration.ofSeconds(10));

        assertThat(seen.get(SLACK.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(DaemonState.STOP_REQUESTED);
        assertThat(coordinator.await(s -> s == DaemonState.STOPPED, Duration.ofMillis(10))).isFalse();
        coordinator.advanceTo(DaemonState.STOPPED);
        assertThat(coordinator.await(s -> s == DaemonState.STOPPED, Duration.ZERO)).isTrue();
    }
}
