package dev.mcpd.application.jsonrpc;

import static java.util.Objects.requireNonNull;

import dev.mcpd.application.concurrent.Guard;
import dev.mcpd.domain.time.Ticker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.Condition;
import java.util.function.BooleanSupplier;

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
    private final Guard guard = new Guard();
    private final Condition changed = guard.newCondition();
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
        return guard.read(() -> {
            if (calls.putIfAbsent(id, call) != null) {
                return false;
            }
            threads++;
            return true;
        });
    }

    /**
     * Removes the call's entry when it is still {@code call}'s own (compared with {@code equals}: give each call a
     * value of its own, e.g. a record holding its thread), as it is about to be answered.
     *
     * @return whether the entry was removed: false when the call was cancelled or closed meanwhile
     */
    public boolean complete(RequestId id, C call) {
        return guard.read(() -> {
            boolean mine = call.equals(calls.get(id)) && calls.remove(id) != null;
            changed.signalAll();
            return mine;
        });
    }

    /** Removes the call with this id (B-M7); the caller cancels it. Empty when no such call is in flight. */
    public Optional<C> cancel(RequestId id) {
        return guard.read(() -> {
            C call = calls.remove(id);
            changed.signalAll();
            return Optional.ofNullable(call);
        });
    }

    /** Removes every call, in the order they were registered; the caller cancels them (B-E1). */
    public List<C> cancelAll() {
        return guard.read(() -> {
            List<C> all = new ArrayList<>(calls.values());
            calls.clear();
            changed.signalAll();
            return all;
        });
    }

    /** A call's thread has ended, its answer (if any) sent. Call once per successful {@link #register}. */
    public void threadEnded() {
        guard.run(() -> {
            threads--;
            changed.signalAll();
        });
    }

    /** The number of calls registered and not yet answered, cancelled or closed. */
    public int calls() {
        return guard.read(calls::size);
    }

    /** The number of call threads not yet ended, cancelled calls included. */
    public int threads() {
        return guard.read(() -> threads);
    }

    /**
     * Waits until no call thread is left, at most {@code timeout}. Woken by the last {@link #threadEnded}.
     *
     * @return true if idle; false on timeout or when interrupted (the interrupt flag is kept)
     */
    public boolean awaitIdle(Duration timeout) {
        return await(timeout, () -> threads == 0);
    }

    /**
     * Waits until no call is registered (threads of cancelled calls may still be ending), at most {@code timeout}.
     *
     * @return true if none is; false on timeout or when interrupted (the interrupt flag is kept)
     */
    public boolean awaitNoCalls(Duration timeout) {
        return await(timeout, calls::isEmpty);
    }

    private boolean await(Duration timeout, BooleanSupplier done) {
        try {
            return guard.awaitUntil(changed, done, ticker, ticker.deadlineAfter(timeout));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
