package dev.mcpd.application.jsonrpc;

import static java.util.Objects.requireNonNull;

import dev.mcpd.domain.time.Ticker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The calls a JSON-RPC server is running, by request id, and the threads still working for them. Thread-safe; the
 * waits are on one {@link Condition}, signalled on every change, never on a poll.
 *
 * <p>Two counts, because a call can be over for the peer before its thread has ended:
 * <ul>
 *   <li>a <em>call</em> is registered under its id until it is answered, cancelled or closed ({@link #calls()}); its
 *       id is then free again (B-W6), and a call finishing late can only remove its own entry, never a newer call
 *       with the same id (B-L4);
 *   <li>a <em>thread</em> counts from {@link #register} until {@link #threadEnded}, after the answer was sent
 *       ({@link #threads()}); {@link #awaitIdle} waits for these, so a proxy never exits with an answer unwritten.
 * </ul>
 *
 * @param <C> what the server keeps per call (its thread, its context)
 */
public final class InFlightCalls<C> {

    private final Ticker ticker;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Map<RequestId, C> calls = new LinkedHashMap<>();
    private int threads;

    /** @param ticker measures the waits' timeouts ({@link Ticker#system()} in production) */
    public InFlightCalls(Ticker ticker) {
        this.ticker = requireNonNull(ticker, "ticker is null");
    }

    /**
     * Registers a call and counts its thread.
     *
     * @return false, and nothing is registered, when a call with this id is already in flight (B-W6)
     */
    public boolean register(RequestId id, C call) {
        lock.lock();
        try {
            if (calls.putIfAbsent(id, call) != null) {
                return false;
            }
            threads++;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Removes the call's entry when it is still {@code call}'s own (compared with {@code equals}: give each call a
     * value of its own, e.g. a record holding its thread), as it is about to be answered.
     *
     * @return whether the entry was removed: false when the call was cancelled or closed meanwhile
     */
    public boolean complete(RequestId id, C call) {
        lock.lock();
        try {
            if (!call.equals(calls.get(id))) {
                return false;
            }
            calls.remove(id);
            changed.signalAll();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Removes the call with this id (B-M7); the caller cancels it. Empty when no such call is in flight. */
    public Optional<C> cancel(RequestId id) {
        lock.lock();
        try {
            C call = calls.remove(id);
            if (call != null) {
                changed.signalAll();
            }
            return Optional.ofNullable(call);
        } finally {
            lock.unlock();
        }
    }

    /** Removes every call, in the order they were registered; the caller cancels them (B-E1). */
    public List<C> cancelAll() {
        lock.lock();
        try {
            List<C> all = new ArrayList<>(calls.values());
            calls.clear();
            changed.signalAll();
            return all;
        } finally {
            lock.unlock();
        }
    }

    /** A call's thread has ended, its answer (if any) sent. Call once per successful {@link #register}. */
    public void threadEnded() {
        lock.lock();
        try {
            threads--;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The number of calls registered and not yet answered, cancelled or closed. */
    public int calls() {
        lock.lock();
        try {
            return calls.size();
        } finally {
            lock.unlock();
        }
    }

    /** The number of call threads not yet ended, cancelled calls included. */
    public int threads() {
        lock.lock();
        try {
            return threads;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until no call thread is left, at most {@code timeout}. Woken by the last {@link #threadEnded}.
     *
     * @return true if idle; false on timeout or when interrupted (the interrupt flag is kept)
     */
    public boolean awaitIdle(Duration timeout) {
        return await(timeout, true);
    }

    /**
     * Waits until no call is registered (threads of cancelled calls may still be ending), at most {@code timeout}.
     *
     * @return true if none is; false on timeout or when interrupted (the interrupt flag is kept)
     */
    public boolean awaitNoCalls(Duration timeout) {
        return await(timeout, false);
    }

    private boolean await(Duration timeout, boolean forThreads) {
        long deadline = ticker.deadlineAfter(timeout);
        lock.lock();
        try {
            while (forThreads ? threads > 0 : !calls.isEmpty()) {
                long left = ticker.nanosUntil(deadline);
                if (left <= 0) {
                    return false;
                }
                changed.awaitNanos(left);
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            lock.unlock();
        }
    }
}
