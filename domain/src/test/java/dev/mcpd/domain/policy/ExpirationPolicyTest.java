package dev.mcpd.domain.policy;

import static dev.mcpd.domain.policy.ExpirationPolicy.allOf;
import static dev.mcpd.domain.policy.ExpirationPolicy.anyOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcpd.domain.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Composition of pure expiration policies (B-L6, house rule 9), driven by a fake clock where time matters. */
class ExpirationPolicyTest {

    private static final ExpirationPolicy KEEP = () -> ExpirationResult.DO_NOT_EXPIRE;
    private static final ExpirationPolicy IDLE = () -> ExpirationResult.graceful("idle");
    private static final ExpirationPolicy QUIET = () -> ExpirationResult.graceful("no traffic");
    private static final ExpirationPolicy LOCK_LOST = () -> ExpirationResult.immediate("lock lost");
    private static final ExpirationPolicy RECORD_GONE = () -> ExpirationResult.immediate("record gone");

    private final ManualClock clock = new ManualClock();

    /** A time-driven policy as the daemon writes them: expires once {@code after} has passed since {@code since}. */
    private ExpirationPolicy after(Instant since, Duration after, String reason) {
        return () -> Duration.between(since, clock.instant()).compareTo(after) >= 0
                ? ExpirationResult.graceful(reason)
                : ExpirationResult.DO_NOT_EXPIRE;
    }

    @Test
    @DisplayName("B-L6 anyOf does not expire when no policy does")
    void anyOfKeepsRunningWhenNoneExpire() {
        assertThat(anyOf(KEEP, KEEP).check()).isEqualTo(ExpirationResult.DO_NOT_EXPIRE);
        assertThat(anyOf().check()).isEqualTo(ExpirationResult.DO_NOT_EXPIRE);
    }

    @Test
    @DisplayName("B-L6 anyOf expires when one policy does, with that policy's reason")
    void anyOfExpiresWhenOneDoes() {
        assertThat(anyOf(KEEP, IDLE, KEEP).check()).isEqualTo(ExpirationResult.graceful("idle"));
    }

    @Test
    @DisplayName("B-L6 anyOf: the most urgent status wins, whatever the order, and only its reasons are kept")
    void anyOfMostUrgentWins() {
        assertThat(anyOf(IDLE, LOCK_LOST).check()).isEqualTo(ExpirationResult.immediate("lock lost"));
        assertThat(anyOf(LOCK_LOST, IDLE).check()).isEqualTo(ExpirationResult.immediate("lock lost"));
    }

    @Test
    @DisplayName("B-L6 anyOf joins the reasons of equally urgent policies, in order")
    void anyOfJoinsReasonsOfEqualUrgency() {
        assertThat(anyOf(IDLE, QUIET).check()).isEqualTo(ExpirationResult.graceful("idle; no traffic"));
        assertThat(anyOf(IDLE, LOCK_LOST, QUIET, RECORD_GONE).check())
                .isEqualTo(ExpirationResult.immediate("lock lost; record gone"));
    }

    @Test
    @DisplayName("B-L6 allOf expires only when every policy does")
    void allOfNeedsEveryPolicy() {
        assertThat(allOf(IDLE, KEEP).check()).isEqualTo(ExpirationResult.DO_NOT_EXPIRE);
        assertThat(allOf(KEEP, LOCK_LOST).check()).isEqualTo(ExpirationResult.DO_NOT_EXPIRE);
        assertThat(allOf().check()).isEqualTo(ExpirationResult.DO_NOT_EXPIRE);
    }

    @Test
    @DisplayName("B-L6 allOf takes the least urgent status and joins every reason")
    void allOfLeastUrgentAndJoinedReasons() {
        assertThat(allOf(IDLE, QUIET).check()).isEqualTo(ExpirationResult.graceful("idle and no traffic"));
        assertThat(allOf(LOCK_LOST, IDLE).check()).isEqualTo(ExpirationResult.graceful("lock lost and idle"));
        assertThat(allOf(LOCK_LOST, RECORD_GONE).check()).isEqualTo(ExpirationResult.immediate("lock lost and record gone"));
    }

    @Test
    @DisplayName("B-L6 nested composition gives one decision with one reason")
    void nestedCompositionGivesOneDecision() {
        ExpirationPolicy policy = anyOf(allOf(IDLE, QUIET), KEEP);

        assertThat(policy.check()).isEqualTo(ExpirationResult.graceful("idle and no traffic"));
    }

    @Test
    @DisplayName("B-L4 composed policies re-read state on every check: time on a fake clock decides")
    void composedPoliciesReadFreshStateEachCheck() {
        Instant start = clock.instant();
        ExpirationPolicy policy = anyOf(
                after(start, Duration.ofMinutes(5), "idle for 5 min"),
                allOf(after(start, Duration.ofMinutes(30), "no traffic for 30 min"), IDLE));

        clock.advance(Duration.ofMinutes(4));
        assertThat(policy.check().expires()).isFalse();

        clock.advance(Duration.ofMinutes(1));
        assertThat(policy.check()).isEqualTo(ExpirationResult.graceful("idle for 5 min"));

        clock.advance(Duration.ofMinutes(25));
        assertThat(policy.check()).isEqualTo(ExpirationResult.graceful("idle for 5 min; no traffic for 30 min and idle"));
    }

    @Test
    @DisplayName("B-L6 a result always has a status and a reason")
    void resultsRequireStatusAndReason() {
        assertThat(ExpirationResult.DO_NOT_EXPIRE.expires()).isFalse();
        assertThat(ExpirationResult.graceful("x").expires()).isTrue();
        assertThat(ExpirationStatus.IMMEDIATE_EXPIRE).isGreaterThan(ExpirationStatus.GRACEFUL_EXPIRE);
        assertThat(ExpirationStatus.GRACEFUL_EXPIRE).isGreaterThan(ExpirationStatus.DO_NOT_EXPIRE);
        assertThatThrownBy(() -> new ExpirationResult(null, "x")).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new ExpirationResult(ExpirationStatus.GRACEFUL_EXPIRE, null))
                .isInstanceOf(NullPointerException.class);
    }
}
