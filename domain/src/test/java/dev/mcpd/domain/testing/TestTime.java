package dev.mcpd.domain.testing;

import java.time.Duration;

/**
 * Behavioural time bounds for tests, scaled by the system property {@code mcpd.test.time.multiplier}
 * (default 1) so that a slow CI machine can widen them without editing tests.
 */
public final class TestTime {

    private TestTime() {}

    /** The multiplier in force, at least 1. */
    public static double multiplier() {
        String raw = System.getProperty("mcpd.test.time.multiplier", System.getenv().getOrDefault("MCPD_TEST_TIME_MULTIPLIER", "1"));
        try {
            return Math.max(1.0, Double.parseDouble(raw));
        } catch (NumberFormatException e) {
            return 1.0;
        }
    }

    /** {@code bound} times the multiplier. */
    public static Duration scaled(Duration bound) {
        return Duration.ofNanos((long) (bound.toNanos() * multiplier()));
    }

    /** {@code millis} milliseconds times the multiplier. */
    public static Duration millis(long millis) {
        return scaled(Duration.ofMillis(millis));
    }
}
