package dev.mcpd.application.daemon;

import dev.mcpd.domain.policy.ExpirationPolicy;
import dev.mcpd.domain.policy.ExpirationResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/** The daemon's expiration policies (B-L4..L6). Pure: each reads state and returns a decision. */
public final class ExpirationPolicies {

    private ExpirationPolicies() {}

    /**
     * Expires gracefully when the daemon has had zero clients and zero calls for {@code timeout} (B-L4).
     * A zero timeout never expires: the daemon is resident.
     */
    public static ExpirationPolicy idleFor(ActivityTracker activity, Clock clock, Duration timeout) {
        return () -> {
            if (timeout.isZero()) {
                return ExpirationResult.DO_NOT_EXPIRE;
            }
            Instant since = activity.idleSince();
            if (since == null || Duration.between(since, clock.instant()).compareTo(timeout) < 0) {
                return ExpirationResult.DO_NOT_EXPIRE;
            }
            return ExpirationResult.graceful("idle: no clients and no calls for " + timeout.toSeconds() + " s");
        };
    }
}
