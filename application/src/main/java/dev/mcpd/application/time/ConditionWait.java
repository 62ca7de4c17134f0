package dev.mcpd.application.time;

import static java.util.Objects.requireNonNull;

import dev.mcpd.domain.time.Ticker;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * One lock and its one {@link Condition}: threads wait until a test holds, and whoever changes what the test reads
 * wakes them ({@link #signalAll}, {@link #change}). The application ring's replacement for sleep-and-poll loops
 * (STYLE rule 10).
 *
 * <p>Invariants:
 * <ol>
 *   <li>A test is evaluated under the lock; a change made through {@link #change}, or followed by
 *       {@link #signalAll}, is never missed by a waiter.
 *   <li>{@link #await} bounds the wait in real time; {@link #awaitUntil} reads its deadline from a {@link Ticker},
 *       re-reading it at least every {@code recheck}, so that a ticker moved by a test is noticed without a signal.
 *   <li>An interrupt ends a wait at once with {@link InterruptedException}.
 * </ol>
 */
public final class ConditionWait {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();

    /** Wakes every waiter, so that each evaluates its test again. */
    public void signalAll() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Runs {@code change} under the lock, then wakes every waiter.
     *
     * @return what {@code change} returned
     */
    public <T> T change(Supplier<T> change) {
        lock.lock();
        try {
            return change.get();
        } finally {
            changed.signalAll();
            lock.unlock();
        }
    }

    /**
     * Waits until {@code done} holds, or {@code timeout} of real time has passed.
     *
     * @return whether {@code done} held when the wait ended
     * @throws InterruptedException if the waiting thread is interrupted
     */
    public boolean await(BooleanSupplier done, Duration timeout) throws InterruptedException {
        lock.lock();
        try {
            long left = timeout.toNanos();
            while (!done.getAsBoolean()) {
                if (left <= 0) {
                    return false;
                }
                left = changed.awaitNanos(left);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits the whole of {@code duration} unless interrupted: the pause between two looks at something that announces
     * no change (a file another process writes).
     *
     * @throws InterruptedException if the waiting thread is interrupted
     */
    public void pause(Duration duration) throws InterruptedException {
        await(() -> false, duration);
    }

    /**
     * Waits until {@code done} holds, or {@code ticker} reaches {@code deadlineNanos}.
     *
     * @param deadlineNanos a reading of {@code ticker} ({@link Ticker#deadlineAfter})
     * @param recheck the longest the wait goes without re-reading the ticker, positive
     * @return whether {@code done} held when the wait ended
     * @throws InterruptedException if the waiting thread is interrupted
     */
    public boolean awaitUntil(BooleanSupplier done, Ticker ticker, long deadlineNanos, Duration recheck)
            throws InterruptedException {
        requireNonNull(ticker, "ticker is null");
        lock.lock();
        try {
            long left;
            while (!done.getAsBoolean()) {
                left = ticker.nanosUntil(deadlineNanos);
                if (left <= 0) {
                    return false;
                }
                changed.await(Math.min(left, recheck.toNanos()), TimeUnit.NANOSECONDS);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }
}
