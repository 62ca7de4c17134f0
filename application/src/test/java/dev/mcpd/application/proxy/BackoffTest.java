package dev.mcpd.application.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** {@link Backoff}: the waits between reconnect attempts (B-G5). */
class BackoffTest {

    @Test
    @DisplayName("B-G5 the proxy's waits double from 200 ms and stay at 10 s")
    void doublesUpToTheMax() {
        Backoff backoff = Backoff.reconnect(Duration.ofMillis(200));
        List<Duration> waits = new ArrayList<>();
        Duration wait = backoff.initial();
        for (int i = 0; i < 9; i++) {
            waits.add(wait);
            wait = backoff.next(wait);
        }

        assertThat(waits).extracting(Duration::toMillis)
                .containsExactly(200L, 400L, 800L, 1_600L, 3_200L, 6_400L, 10_000L, 10_000L, 10_000L);
        assertThat(backoff.enabled()).isTrue();
    }

    @Test
    @DisplayName("a zero first wait (MCPD_NO_DAEMON) never retries")
    void zeroIsOff() {
        assertThat(Backoff.none().enabled()).isFalse();
        assertThat(Backoff.reconnect(Duration.ZERO).enabled()).isFalse();
    }

    @Test
    @DisplayName("a first wait above the usual max is kept as its own max")
    void longFirstWait() {
        Backoff backoff = Backoff.reconnect(Duration.ofSeconds(30));

        assertThat(backoff.next(backoff.initial())).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    @DisplayName("a negative wait, or a max below the first wait, is refused")
    void invalidBackoffsAreRefused() {
        assertThatThrownBy(() -> new Backoff(Duration.ofMillis(-1), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
