package dev.mcpd.application.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpd.domain.testing.ManualTicker;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Restart with backoff, at most 3 starts a minute, then failed until reset (ADR 0016, decision 6). */
class RestartBudgetTest {

    private final ManualTicker ticker = new ManualTicker();
    private final RestartBudget budget = RestartBudget.standard(ticker);

    @Test
    void aChildThatExitsAtOnceStartsAtMostThreeTimesInFiveMinutes() {
        int starts = 0;
        Duration elapsed = Duration.ZERO;
        budget.started();
        starts++;
        while (elapsed.compareTo(Duration.ofMinutes(5)) < 0) {
            Optional<Duration> delay = budget.exitedUnexpectedly();
            if (delay.isEmpty()) {
                ticker.advance(Duration.ofSeconds(1));
                elapsed = elapsed.plusSeconds(1);
                continue;
            }
            ticker.advance(delay.get());
            elapsed = elapsed.plus(delay.get());
            budget.started();
            starts++;
        }

        assertThat(starts).isEqualTo(3).isLessThanOrEqualTo(6);
        assertThat(budget.failed()).isTrue();
    }

    @Test
    void retriesBackOffOneSecondThenTwo() {
        budget.started();
        assertThat(budget.exitedUnexpectedly()).contains(Duration.ofSeconds(1));
        budget.started();
        assertThat(budget.exitedUnexpectedly()).contains(Duration.ofSeconds(2));
        budget.started();
        assertThat(budget.exitedUnexpectedly()).isEmpty();
    }

    @Test
    void aChildThatRanLongerThanTheWindowStartsAfresh() {
        budget.started();
        ticker.advance(Duration.ofMinutes(2));

        assertThat(budget.exitedUnexpectedly()).contains(Duration.ofSeconds(1));
        assertThat(budget.failed()).isFalse();
    }

    @Test
    void aResetRevivesAFailedServer() {
        for (int i = 0; i < 3; i++) {
            budget.started();
        }
        assertThat(budget.exitedUnexpectedly()).isEmpty();

        budget.reset();
        budget.started();

        assertThat(budget.failed()).isFalse();
        assertThat(budget.exitedUnexpectedly()).contains(Duration.ofSeconds(1));
    }
}
