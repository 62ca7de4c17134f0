package dev.mcpd.application.concurrent;

import static java.util.Objects.requireNonNull;

import dev.mcpd.domain.time.Ticker;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The one lock that guards a component's state, and the {@link Condition}s its waits use. It is a
 * {@link ReentrantLock}, which (unlike {@code synchronized}) never pins a virtual thread. {@link #read} and
 * {@link #run} hold it around one step; {@link #awaitUntil} waits for a state, woken by a signal, not by a poll.
 */
public final class Guard {

    private final ReentrantLock lock = new ReentrantLock();

    /** A new condition of this lock; signal it, while holding the lock, whenever the state it waits for may hold. */
    public Condition newCondition() {
        return lock.newCondition();
    }

    /** Runs {@code step} holding the lock and returns what it returns. */
    public <T> T read(Supplier<T> step) {
        T result;
        lock.lock();
        try {
            result = step.get();
        } finally {
            lock.unlock();
        }
        return result;
    }

    /** Runs {@code step} holding the lock. */
    public void run(Runnable step) {
        read(() -> {
            step.run();
            return null;
        });
    }

    /**
     * Waits on {@code condition} until {@code done} holds or {@code ticker} reaches {@code deadlineNanos}.
     * {@code done} is evaluated holding the lock.
     *
     * @param deadlineNanos a reading of {@code ticker}, e.g. from {@link Ticker#deadlineAfter}
     * @return true when {@code done} holds; false at the deadline
     * @throws InterruptedException when interrupted while waiting
     */
    public boolean awaitUntil(Condition condition, BooleanSupplier done, Ticker ticker, long deadlineNanos)
            throws InterruptedException {
        requireNonNull(condition, "condition is null");
        lock.lock();
        try {
            while (!done.getAsBoolean()) {
                long left = ticker.nanosUntil(deadlineNanos);
                if (left <= 0) {
                    return false;
                }
                condition.awaitNanos(left);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }
}
