package dev.mcpd.application.gateway;

import static java.util.Objects.requireNonNull;

import dev.mcpd.domain.time.Ticker;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

/**
 * When a crashed child server may start again (ADR 0016, decision 6): after an unexpected exit, again after
 * {@code firstDelay}, then twice as long for each start within the window (1 s, 2 s, 4 s … by default); once
 * {@code maxStarts} starts fall within {@code window} the server is {@linkplain #failed() failed} and starts no more
 * until {@link #reset()} (a manual restart or a changed configuration). So a child that exits at once starts at most
 * {@code maxStarts} times, not once a second forever (metamcp#113, hermes-agent#98763).
 */
public final class RestartBudget {

    /** At most 3 starts a minute, the first retry after 1 s. */
    public static RestartBudget standard(Ticker ticker) {
        return new RestartBudget(ticker, 3, Duration.ofMinutes(1), Duration.ofSeconds(1));
    }

    private final Ticker ticker;
    private final int maxStarts;
    private final long windowNanos;
    private final Duration firstDelay;
    private final Deque<Long> starts = new ArrayDeque<>();
    private boolean failed;

    public RestartBudget(Ticker ticker, int maxStarts, Duration window, Duration firstDelay) {
        this.ticker = requireNonNull(ticker, "ticker is null");
        if (maxStarts < 1 || window.isNegative() || window.isZero() || firstDelay.isNegative()) {
            throw new IllegalArgumentException("a restart budget needs maxStarts >= 1, a positive window and a delay");
        }
        this.maxStarts = maxStarts;
        this.windowNanos = window.toNanos();
        this.firstDelay = firstDelay;
    }

    /** Records a start (the first one, a restart, or a manual one). */
    public synchronized void started() {
        starts.addLast(ticker.nanoTime());
    }

    /**
     * The child exited when nobody asked it to.
     *
     * @return how long to wait before starting it again; empty when the budget is spent and the server is now failed
     */
    public synchronized Optional<Duration> exitedUnexpectedly() {
        long now = ticker.nanoTime();
        while (!starts.isEmpty() && now - starts.peekFirst() > windowNanos) {
            starts.removeFirst();
        }
        if (failed || starts.size() >= maxStarts) {
            failed = true;
            return Optional.empty();
        }
        return Optional.of(firstDelay.multipliedBy(1L << Math.max(0, starts.size() - 1)));
    }

    /** @return whether the budget is spent: the server stays stopped until {@link #reset()} */
    public synchronized boolean failed() {
        return failed;
    }

    /** Forgets the history: a person restarted the server, or its configuration changed. */
    public synchronized void reset() {
        starts.clear();
        failed = false;
    }
}
