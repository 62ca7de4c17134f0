package dev.mcpd.application.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mcpd.domain.fake.InMemoryLivenessProbe;
import dev.mcpd.domain.testing.ManualTicker;
import dev.mcpd.domain.testing.TestTime;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** {@link HostWatchdog} on a {@link ManualTicker}: the startup timeout (B-G2) is moved, not waited for; B-G1 with a fake probe. */
class HostWatchdogTest {

    private static final Duration POLL = Duration.ofMillis(10);
    private static final Duration STARTUP_TIMEOUT = Duration.ofMinutes(1);
    private static final Duration QUIET = TestTime.millis(200);
    private static final Duration SLACK = TestTime.millis(3_000);

    private final ManualTicker ticker = new ManualTicker();
    private final InMemoryLivenessProbe probe = new InMemoryLivenessProbe();
    private final long parent = probe.start(Instant.parse("2026-01-01T00:00:00Z"));
    private final AtomicBoolean hostSpoke = new AtomicBoolean();
    private final CompletableFuture<String> gone = new CompletableFuture<>();
    private Thread watching;

    @AfterEach
    void stopWatching() {
        if (watching != null) {
            watching.interrupt();
        }
    }

    @Test
    @DisplayName("B-G2 no byte from the host within the startup timeout ends the proxy, counted on the ticker")
    void aSilentHostEndsTheProxyWhenTheTickerPassesTheStartupTimeout() throws Exception {
        start();

        await().during(QUIET).atMost(QUIET.plus(SLACK)).until(() -> !gone.isDone());
        ticker.advance(STARTUP_TIMEOUT);

        assertThat(gone.get(SLACK.toMillis(), TimeUnit.MILLISECONDS))
                .contains("no byte from the host within " + STARTUP_TIMEOUT);
    }

    @Test
    @DisplayName("B-G2 B-G1 a host that spoke outlives the startup timeout and is watched until its process is gone")
    void aHostThatSpokeIsEndedOnlyByItsExit() throws Exception {
        hostSpoke.set(true);
        start();
        ticker.advance(STARTUP_TIMEOUT.multipliedBy(2));

        await().during(QUIET).atMost(QUIET.plus(SLACK)).until(() -> !gone.isDone());
        probe.kill(parent);

        assertThat(gone.get(SLACK.toMillis(), TimeUnit.MILLISECONDS)).contains("the parent pid " + parent + " is gone");
    }

    private void start() {
        watching = new HostWatchdog(probe, null, () -> parent, POLL, STARTUP_TIMEOUT, ticker)
                .start(hostSpoke::get, gone::complete);
    }
}
