package dev.mcpd.application.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpd.domain.model.ClientId;
import dev.mcpd.domain.model.PeerCredentials;
import dev.mcpd.domain.model.TransportKind;
import dev.mcpd.domain.policy.ExpirationPolicy;
import dev.mcpd.domain.policy.ExpirationResult;
import dev.mcpd.domain.policy.ExpirationStatus;
import dev.mcpd.domain.testing.ManualClock;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The daemon's idle policy on a fake clock (house rule 10): no test here sleeps. */
class ExpirationPoliciesTest {

    private static final Duration IDLE = Duration.ofMinutes(5);

    private final ManualClock clock = new ManualClock();
    private final DaemonClientRegistry registry = new DaemonClientRegistry();
    private final ActivityTracker activity = new ActivityTracker(registry, clock);
    private final ExpirationPolicy idle = ExpirationPolicies.idleFor(activity, clock, IDLE);

    @Test
    @DisplayName("B-L4 not expired before the idle timeout has passed")
    void doesNotExpireBeforeTheTimeout() {
        clock.advance(IDLE.minusMillis(1));

        assertThat(idle.check()).isEqualTo(ExpirationResult.DO_NOT_EXPIRE);
    }

    @Test
    @DisplayName("B-L4 expires gracefully, with a reason, once idle for the timeout")
    void expiresGracefullyAtTheTimeout() {
        clock.advance(IDLE);

        ExpirationResult result = idle.check();
        assertThat(result.status()).isEqualTo(ExpirationStatus.GRACEFUL_EXPIRE);
        assertThat(result.reason()).contains("idle").contains("300 s");
    }

    @Test
    @DisplayName("B-L4 a zero idle timeout means resident: never expires")
    void zeroTimeoutNeverExpires() {
        ExpirationPolicy resident = ExpirationPolicies.idleFor(activity, clock, Duration.ZERO);

        clock.advance(Duration.ofDays(365));

        assertThat(resident.check().expires()).isFalse();
    }

    @Test
    @DisplayName("B-L4 a connected client keeps the daemon alive however long it is quiet")
    void aClientPresentNeverExpires() {
        registry.register(TransportKind.UNIX_SOCKET, PeerCredentials.unknown(), clock.instant());

        clock.advance(Duration.ofDays(2));

        assertThat(idle.check().expires()).isFalse();
    }

    @Test
    @DisplayName("B-L4 a call in flight keeps the daemon alive")
    void aCallInFlightNeverExpires() {
        ClientId id = registry.register(TransportKind.UNIX_SOCKET, PeerCredentials.unknown(), clock.instant());
        registry.callStarted(id);
        clock.advance(Duration.ofHours(1));

        assertThat(idle.check().expires()).isFalse();
    }

    @Test
    @DisplayName("B-L4 the idle timer restarts when the last client leaves, not when the daemon started")
    void idleTimerCountsFromTheLastClientLeaving() {
        ClientId id = registry.register(TransportKind.UNIX_SOCKET, PeerCredentials.unknown(), clock.instant());
        clock.advance(Duration.ofHours(1));
        registry.remove(id);
        activity.clientLeft();

        clock.advance(IDLE.minusSeconds(1));
        assertThat(idle.check().expires()).as("idle 4m59s after the client left").isFalse();

        clock.advance(Duration.ofSeconds(1));
        assertThat(idle.check().expires()).as("idle 5m after the client left").isTrue();
    }

    @Test
    @DisplayName("B-L4 one client leaving while another stays does not arm the timer")
    void leavingWhileAnotherStaysDoesNotArm() {
        ClientId first = registry.register(TransportKind.UNIX_SOCKET, PeerCredentials.unknown(), clock.instant());
        ClientId second = registry.register(TransportKind.UNIX_SOCKET, PeerCredentials.unknown(), clock.instant());
        clock.advance(Duration.ofMinutes(10));
        registry.remove(first);
        activity.clientLeft();

        clock.advance(Duration.ofMinutes(10));
        assertThat(idle.check().expires()).isFalse();

        registry.remove(second);
        activity.clientLeft();
        clock.advance(IDLE.minusSeconds(1));
        assertThat(idle.check().expires()).as("the timer counts from the second client leaving").isFalse();
    }

    @Test
    @DisplayName("B-L6 the idle policy composes with others; the most urgent status wins")
    void composesWithOtherPolicies() {
        ExpirationPolicy lockLost = () -> ExpirationResult.immediate("the scope lock file was deleted");
        clock.advance(IDLE);

        ExpirationResult both = ExpirationPolicy.anyOf(idle, lockLost).check();
        ExpirationResult idleOnly = ExpirationPolicy.anyOf(idle, () -> ExpirationResult.DO_NOT_EXPIRE).check();

        assertThat(both).isEqualTo(ExpirationResult.immediate("the scope lock file was deleted"));
        assertThat(idleOnly.status()).isEqualTo(ExpirationStatus.GRACEFUL_EXPIRE);
        assertThat(idleOnly.reason()).contains("idle");
    }
}
