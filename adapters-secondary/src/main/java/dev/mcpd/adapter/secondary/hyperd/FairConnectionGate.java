package dev.mcpd.adapter.secondary.hyperd;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Who may borrow one of the pool's connections next: a fair share of {@code permits} connections between clients
 * (B-B3, review finding 12: one client with 8 slow statements held the whole pool of 8, and another client's
 * {@code SELECT 1} waited behind them).
 *
 * <p>Invariants:
 * <ol>
 *   <li>At most {@code permits} leases are out at once, and at most {@code perClientCap} for any one client. With a
 *       cap below the number of permits, one client never holds every connection: at least one is always left for
 *       the others.
 *   <li>A free permit goes to the waiting client that holds the fewest leases (ties: the client whose oldest waiter
 *       came first); within one client, waiters are served first come, first served. So a client that queued many
 *       operations does not get ahead of a client that queued one.
 *   <li>Nobody waits past their own timeout; a waiter that times out or is interrupted takes nothing with it (a
 *       permit granted to it in that instant is handed on).
 *   <li>The lock guards bookkeeping only; nobody holds it while waiting or doing I/O.
 * </ol>
 */
final class FairConnectionGate {

    /** One borrowed permit; {@link #close()} returns it, once. */
    final class Lease implements AutoCloseable {
        private final Object client;
        private boolean returned;

        private Lease(Object client) {
            this.client = client;
        }

        @Override
        public void close() {
            lock.lock();
            try {
                if (returned) {
                    return;
                }
                returned = true;
                release(client);
            } finally {
                lock.unlock();
            }
        }
    }

    private final class Waiter {
        final Object client;
        final Condition granted;
        boolean admitted;

        Waiter(Object client) {
            this.client = client;
            this.granted = lock.newCondition();
        }
    }

    private final int permits;
    private final int perClientCap;
    private final ReentrantLock lock = new ReentrantLock();
    private final List<Waiter> waiting = new ArrayList<>(); // in arrival order
    private final Map<Object, Integer> held = new HashMap<>();
    private int out;

    /**
     * @param permits the pool's size, at least 1
     * @param perClientCap the most leases one client holds at once, 1 to {@code permits}
     */
    FairConnectionGate(int permits, int perClientCap) {
        if (permits < 1 || perClientCap < 1 || perClientCap > permits) {
            throw new IllegalArgumentException("need 1 <= perClientCap <= permits, got " + perClientCap + " and " + permits);
        }
        this.permits = permits;
        this.perClientCap = perClientCap;
    }

    /** The most leases out at once: the pool's size. */
    int permits() {
        return permits;
    }

    /** The cap for a pool of {@code poolSize}: one less than the pool, so that one connection stays for others. */
    static int capFor(int poolSize) {
        return Math.max(1, poolSize - 1);
    }

    /**
     * Waits for a permit for {@code client} (invariants 1 to 3).
     *
     * @param client the client's key; equal keys are one client
     * @param timeoutNanos the longest wait, in nanoseconds
     * @return the lease, or {@code null} when none was granted within {@code timeoutNanos}
     * @throws InterruptedException when interrupted while waiting; nothing is then held
     */
    Lease acquire(Object client, long timeoutNanos) throws InterruptedException {
        requireNonNull(client, "client is null");
        lock.lock();
        try {
            Waiter waiter = new Waiter(client);
            waiting.add(waiter);
            grant();
            long left = timeoutNanos;
            try {
                while (!waiter.admitted && left > 0) {
                    left = waiter.granted.awaitNanos(left);
                }
            } catch (InterruptedException e) {
                if (waiter.admitted) {
                    release(client);
                } else {
                    waiting.remove(waiter);
                }
                throw e;
            }
            if (!waiter.admitted) {
                waiting.remove(waiter);
                return null;
            }
            return new Lease(client);
        } finally {
            lock.unlock();
        }
    }

    /** Leases out now, for one client. */
    int heldBy(Object client) {
        lock.lock();
        try {
            return held.getOrDefault(client, 0);
        } finally {
            lock.unlock();
        }
    }

    /** Operations waiting for a connection now. */
    int waiting() {
        lock.lock();
        try {
            return waiting.size();
        } finally {
            lock.unlock();
        }
    }

    /** Under the lock. */
    private void release(Object client) {
        out--;
        held.merge(client, -1, (a, b) -> a + b == 0 ? null : a + b);
        grant();
    }

    /** Under the lock: hands free permits to waiters by invariant 2. */
    private void grant() {
        while (out < permits) {
            Waiter next = null;
            int nextHeld = Integer.MAX_VALUE;
            for (Waiter candidate : waiting) { // arrival order, so the first of equals is the oldest
                int has = held.getOrDefault(candidate.client, 0);
                if (has < perClientCap && has < nextHeld) {
                    next = candidate;
                    nextHeld = has;
                }
            }
            if (next == null) {
                return;
            }
            waiting.remove(next);
            next.admitted = true;
            out++;
            held.merge(next.client, 1, Integer::sum);
            next.granted.signal();
        }
    }

    @Override
    public String toString() {
        lock.lock();
        try {
            return "FairConnectionGate[" + out + "/" + permits + " out, cap " + perClientCap + " a client, "
                    + waiting.size() + " waiting]";
        } finally {
            lock.unlock();
        }
    }
}
