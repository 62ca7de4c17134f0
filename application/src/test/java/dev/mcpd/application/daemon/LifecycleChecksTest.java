package dev.mcpd.application.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The daemon's periodic checks survive their own failures (B-L7). */
class LifecycleChecksTest {

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    @Test
    @DisplayName("B-L7 a check that throws (an exception or an Error) runs again next period")
    void aFailingCheckRunsAgainNextPeriod() {
        AtomicInteger runs = new AtomicInteger();
        scheduler.scheduleWithFixedDelay(LifecycleChecks.guarded("flaky check", () -> {
            int run = runs.incrementAndGet();
            if (run == 1) {
                throw new IllegalStateException("the probe failed");
            }
            if (run == 2) {
                throw new AssertionError("an Error from a library");
            }
        }), 0, 10, TimeUnit.MILLISECONDS);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(runs.get()).isGreaterThanOrEqualTo(4));
    }

    @Test
    @DisplayName("B-L7 without the guard, one failure would end the schedule for good (why the guard exists)")
    void anUnguardedFailureEndsTheSchedule() {
        AtomicInteger runs = new AtomicInteger();
        var future = scheduler.scheduleWithFixedDelay(() -> {
            runs.incrementAndGet();
            throw new IllegalStateException("the probe failed");
        }, 0, 10, TimeUnit.MILLISECONDS);

        await().atMost(Duration.ofSeconds(10)).until(future::isDone);
        assertThat(runs.get()).isEqualTo(1);
    }
}
