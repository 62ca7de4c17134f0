package dev.mcpd.application.proxy;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * Exponential backoff between reconnect attempts (B-G5): the first wait is {@code initial}, each next one doubles,
 * never beyond {@code max}. A zero {@code initial} means never retry.
 *
 * @param initial the first wait; zero disables retrying
 * @param max the longest wait, not shorter than {@code initial}
 * @throws IllegalArgumentException when a duration is negative or {@code max} is shorter than {@code initial}
 */
public record Backoff(Duration initial, Duration max) {

    /** The longest wait between two reconnect attempts of the proxy (B-G5). */
    public static final Duration MAX_RECONNECT_DELAY = Duration.ofSeconds(10);

    public Backoff {
        requireNonNull(initial, "initial is null");
        requireNonNull(max, "max is null");
        if (initial.isNegative() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("need 0 <= initial <= max, got " + initial + " and " + max);
        }
    }

    /** Never retry. */
    public static Backoff none() {
        return new Backoff(Duration.ZERO, Duration.ZERO);
    }

    /** The proxy's reconnect backoff: from {@code initial} up to {@link #MAX_RECONNECT_DELAY} (zero: never). */
    public static Backoff reconnect(Duration initial) {
        return new Backoff(initial, initial.compareTo(MAX_RECONNECT_DELAY) > 0 ? initial : MAX_RECONNECT_DELAY);
    }

    /** Whether retrying is on (a non-zero first wait). */
    public boolean enabled() {
        return !initial.isZero();
    }

    /** The wait after {@code previous}: twice as long, at most {@link #max()}. */
    public Duration next(Duration previous) {
        Duration doubled = previous.multipliedBy(2);
        return doubled.compareTo(max) > 0 ? max : doubled;
    }
}
