package dev.mcpd.adapter.secondary.deadline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class DeadlineCallTest {

    @Test
    void returnsTheValueOfACallThatFinishesInTime() throws Exception {
        assertThat(DeadlineCall.within("t", Instant.now().plusSeconds(10), () -> "done")).isEqualTo("done");
    }

    @Test
    void aCallThatThrowsSurfacesItsCause() {
        assertThatThrownBy(() -> DeadlineCall.within("t", Instant.now().plusSeconds(10), () -> {
            throw new IOException("refused");
        })).isInstanceOf(ExecutionException.class).cause().isInstanceOf(IOException.class).hasMessage("refused");
    }

    @Test
    void B_B3_aHungCallCostsTheDeadlineAndIsInterrupted() {
        AtomicBoolean interrupted = new AtomicBoolean();
        assertThatThrownBy(() -> DeadlineCall.within("t", Instant.now().plusMillis(100), () -> {
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                interrupted.set(true);
            }
            return "never";
        })).isInstanceOf(TimeoutException.class);
        await().atMost(Duration.ofSeconds(10)).untilTrue(interrupted);
    }

    @Test
    void aValueThatArrivesAfterTheDeadlineGoesToTheAbandonedHandler() {
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<String> late = new AtomicReference<>();
        assertThatThrownBy(() -> DeadlineCall.within("t", Instant.now().plusMillis(50), () -> {
            while (true) {
                try {
                    release.await();
                    return "connection";
                } catch (InterruptedException ignored) {
                    // an uninterruptible call, such as a JDBC connect, carries on
                }
            }
        }, late::set)).isInstanceOf(TimeoutException.class);
        release.countDown();
        await().atMost(Duration.ofSeconds(10)).until(late::get, "connection"::equals);
    }
}
