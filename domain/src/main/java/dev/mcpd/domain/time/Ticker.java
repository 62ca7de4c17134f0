package dev.mcpd.domain.time;

import java.time.Duration;

/**
 * A monotonic time source in nanoseconds, injected wherever the application measures elapsed time (idle timers,
 * deadlines, backoff), so that tests move time instead of sleeping (STYLE rule 10). Values mean nothing on their own:
 * only differences between two readings of the same ticker do, exactly as {@link System#nanoTime()}.
 *
 * <p>Production code uses {@link #system()}; tests use {@code dev.mcpd.domain.testing.ManualTicker}.
 */
@FunctionalInterface
public interface Ticker {

    /** @return the current reading in nanoseconds; monotonic, never decreasing between two calls */
    long nanoTime();

    /** @return the time elapsed since {@code startNanos}, an earlier reading of this ticker; never negative */
    default Duration since(long startNanos) {
        return Duration.ofNanos(Math.max(0, nanoTime() - startNanos));
    }

    /** @return the reading {@code after} from now, saturating instead of overflowing for very long durations */
    default long deadlineAfter(Duration after) {
        long now = nanoTime();
        long nanos = after.compareTo(Duration.ofNanos(Long.MAX_VALUE / 4)) > 0 ? Long.MAX_VALUE / 4 : after.toNanos();
        return now + nanos;
    }

    /** @return nanoseconds left until {@code deadlineNanos} (a value from {@link #deadlineAfter}); zero when past */
    default long nanosUntil(long deadlineNanos) {
        return Math.max(0, deadlineNanos - nanoTime());
    }

    /** @return the JVM's monotonic clock ({@link System#nanoTime()}) */
    static Ticker system() {
        return System::nanoTime;
    }
}
