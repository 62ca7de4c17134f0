package dev.mcpd.domain.testing;

import dev.mcpd.domain.time.Ticker;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** A ticker that moves only when a test advances it (house rule 10: tests advance time, they do not sleep). */
public final class ManualTicker implements Ticker {

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

    @Override
    public long nanoTime() {
        return nanos.get();
    }

    /** Moves the ticker forward by {@code by} (not negative). */
    public void advance(Duration by) {
        if (by.isNegative()) {
            throw new IllegalArgumentException("a monotonic ticker cannot go back: " + by);
        }
        nanos.addAndGet(by.toNanos());
    }
}
