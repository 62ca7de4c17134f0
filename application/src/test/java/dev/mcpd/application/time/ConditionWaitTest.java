package dev.mcpd.application.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.mcpd.domain.testing.ManualTicker;
import dev.mcpd.domain.testing.TestTime;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** {@link ConditionWait}: waits end on a change, on a real-time bound, or on a deadline of a ticker a test moves. */
class ConditionWaitTest {

    private static final Duration LONG = Duration.ofMinutes(10);
    private static final Duration QUIET = TestTime.millis(100);
    private static final Duration SLACK = TestTime.millis(3_000);

    private final ConditionWait wait = new ConditionWait();
    private final AtomicInteger inFlight = new AtomicInteger(2);

    @Test
    @DisplayName("a wait ends on the change that makes its test hold, long before its bound, and not on an earlier one")
    void aWaitEndsOnTheChangeThatMakesItsTestHold() throws Exception {
        CompletableFuture<Boolean> idle = waitOnAnotherThread(() -> wait.await(() -> inFlight.get() == 0, LONG));

        wait.change(inFlight::decrementAndGet);
        await().during(QUIET).atMost(QUIET.plus(SLACK)).until(() -> !idle.isDone());
        wait.change(inFlight::decrementAndGet);

        assertThat(idle.get(SLACK.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    }

    @Test
    @DisplayName("a wait whose test never holds returns false at its real-time bound")
    void aWaitReturnsFalseAtItsBound() throws Exception {
        assertThat(wait.await(() -> false, Duration.ofMillis(20))).isFalse();
        assertThat(wait.await(() -> true, Duration.ZERO)).as("a test that holds needs no time").isTrue();
    }

    @Test
    @DisplayName("STYLE rule 10: a deadline wait ends when the test's ticker passes the deadline, without a signal")
    void aDeadlineWaitEndsWhenTheTickerPassesTheDeadline() throws Exception {
        ManualTicker ticker = new ManualTicker();
        long deadline = ticker.deadlineAfter(LONG);
        CompletableFuture<Boolean> done = waitOnAnotherThread(
                () -> wait.awaitUntil(() -> false, ticker, deadline, Duration.ofMillis(5)));

        await().during(QUIET).atMost(QUIET.plus(SLACK)).until(() -> !done.isDone());
        ticker.advance(LONG);

        assertThat(done.get(SLACK.toMillis(), TimeUnit.MILLISECONDS)).isFalse();
    }

    @Test
    @DisplayName("an interrupt ends a pause at once")
    void anInterruptEndsAPause() {
        Thread.currentThread().interrupt();

        assertThatThrownBy(() -> wait.pause(LONG)).isInstanceOf(InterruptedException.class);
    }

    private interface Wait {
        boolean run() throws InterruptedException;
    }

    private static CompletableFuture<Boolean> waitOnAnotherThread(Wait waiting) {
        CompletableFuture<Boolean> result = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                result.complete(waiting.run());
            } catch (InterruptedException e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }
}
