package dev.mcpd.application.jsonrpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mcpd.domain.testing.ManualTicker;
import dev.mcpd.domain.testing.TestTime;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** {@link InFlightCalls}: the calls by id, the threads still working, and waits woken by a signal. */
class InFlightCallsTest {

    private static final Duration ANSWER = TestTime.millis(5_000);

    /** A ticker that never moves: a wait on it ends only when signalled, never because time passed. */
    private final ManualTicker ticker = new ManualTicker();
    private final InFlightCalls<String> calls = new InFlightCalls<>(ticker);

    @Test
    @DisplayName("B-W6 a second call with an id in flight is refused and nothing is registered")
    void duplicateIdIsRefused() {
        assertThat(calls.register(id(1), "first")).isTrue();
        assertThat(calls.register(id(1), "second")).isFalse();
        assertThat(calls.register(new RequestId.Text("1"), "string id")).isTrue();

        assertThat(calls.calls()).isEqualTo(2);
        assertThat(calls.threads()).isEqualTo(2);
    }

    @Test
    @DisplayName("B-L4 a call finishing late removes only its own entry, not a newer call with its id")
    void completeRemovesOnlyItsOwnEntry() {
        calls.register(id(1), "old");
        assertThat(calls.cancel(id(1))).contains("old");
        calls.register(id(1), "new");

        assertThat(calls.complete(id(1), "old")).isFalse();
        assertThat(calls.calls()).isOne();
        assertThat(calls.complete(id(1), "new")).isTrue();
        assertThat(calls.calls()).isZero();
    }

    @Test
    @DisplayName("B-M7 B-E1 cancel takes one call, cancelAll takes the rest in order; unknown ids give nothing")
    void cancelAndCancelAll() {
        calls.register(id(1), "a");
        calls.register(id(2), "b");
        calls.register(id(3), "c");

        assertThat(calls.cancel(id(9))).isEmpty();
        assertThat(calls.cancel(id(2))).contains("b");
        assertThat(calls.cancelAll()).containsExactly("a", "c");
        assertThat(calls.calls()).isZero();
        assertThat(calls.threads()).as("threads count until they end").isEqualTo(3);
    }

    @Test
    @DisplayName("awaitIdle wakes on the last thread's end, not by polling (the ticker never moves)")
    void awaitIdleWakesOnTheLastThreadEnd() throws Exception {
        calls.register(id(1), "a");
        calls.register(id(2), "b");
        CompletableFuture<Boolean> idle = CompletableFuture.supplyAsync(() -> calls.awaitIdle(Duration.ofHours(1)));
        calls.threadEnded();
        await().during(TestTime.millis(100)).atMost(ANSWER).until(() -> !idle.isDone());

        calls.threadEnded();

        assertThat(idle.get(ANSWER.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    }

    @Test
    @DisplayName("awaitNoCalls wakes when the last call is answered or cancelled, its thread may still run")
    void awaitNoCallsWakesOnTheLastRemoval() throws Exception {
        calls.register(id(1), "a");
        CompletableFuture<Boolean> none = CompletableFuture.supplyAsync(() -> calls.awaitNoCalls(Duration.ofHours(1)));

        calls.cancel(id(1));

        assertThat(none.get(ANSWER.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        assertThat(calls.threads()).isOne();
    }

    @Test
    @DisplayName("a wait whose time is up returns false; an idle one returns true at once")
    void timeouts() {
        assertThat(calls.awaitIdle(Duration.ZERO)).isTrue();
        calls.register(id(1), "a");

        assertThat(calls.awaitIdle(Duration.ZERO)).isFalse();
        assertThat(calls.awaitNoCalls(Duration.ZERO)).isFalse();
    }

    private static RequestId id(int n) {
        return RequestId.of(n).orElseThrow();
    }
}
