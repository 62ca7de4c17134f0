package dev.mcpd.adapter.primary.tcp;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntSupplier;

/**
 * The lock and the one condition of a blocking stream whose state the event loop and a connection handler's thread
 * share ({@link SocketInbound}, {@link SocketOutbound}): every change wakes every waiter, and a wait that is
 * interrupted ends in an {@link InterruptedIOException} with the interrupt flag kept.
 */
final class StreamMonitor {

    /** A body that runs under the lock and may wait on its condition. */
    @FunctionalInterface
    interface Guarded<T> {
        T run(Condition changed) throws IOException, InterruptedException;
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();

    /** Runs {@code change} under the lock, then wakes every waiter. Never blocks beyond the lock. */
    void change(Runnable change) {
        lock.lock();
        try {
            change.run();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Reads a value under the lock. */
    int read(IntSupplier value) {
        lock.lock();
        try {
            return value.getAsInt();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Runs {@code body} under the lock; it may wait on the condition.
     *
     * @return what {@code body} returned
     * @throws InterruptedIOException with {@code whenInterrupted} as its message, if the wait is interrupted
     * @throws IOException what {@code body} threw
     */
    <T> T guarded(String whenInterrupted, Guarded<T> body) throws IOException {
        lock.lock();
        try {
            return body.run(changed);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException(whenInterrupted);
        } finally {
            lock.unlock();
        }
    }
}
