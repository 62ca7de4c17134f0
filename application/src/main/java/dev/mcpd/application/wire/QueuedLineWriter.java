package dev.mcpd.application.wire;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Writes whole lines to one peer from one writer thread of its own, fed by a queue bounded in bytes: the daemon's
 * side of a client connection (B-W1; review findings 2 and 6, ADR 0010).
 *
 * <p>Invariants:
 * <ol>
 *   <li>B-W1 only the writer thread writes to the stream, and nothing interrupts it: a caller that is interrupted,
 *       cancelled or gives up never leaves half a line behind, and lines never interleave.
 *   <li>{@link #writeLine} returns once the line is queued, not written. It waits while {@code budgetBytes} or
 *       more are queued and not yet written (back-pressure on a peer that reads slowly), and the wait is
 *       interruptible; nothing is queued then.
 *   <li>{@link #offerLine} never waits: under the budget it queues the line; over it the peer is given up on: the
 *       writer breaks and {@code onBroken} runs (the connection is closed), rather than block its caller (the
 *       daemon's shutdown path, review finding 2).
 *   <li>A failed write breaks the writer: what is queued is dropped, waiting callers fail at once, and
 *       {@code onBroken} runs, once. Bytes already handed to the stream are never followed by more: the peer sees
 *       a torn last line at worst, then the end of the connection.
 *   <li>Memory: at most {@code budgetBytes} plus one line are queued per connection.
 * </ol>
 */
public final class QueuedLineWriter implements AutoCloseable {

    private final OutputStream out;
    private final long budgetBytes;
    private final Runnable onBroken;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<byte[]> queue = new ArrayDeque<>();
    /** Bytes queued or being written (each line counts its newline); guarded by {@link #lock}. */
    private long pendingBytes;
    private boolean closed;
    private String brokenBecause;

    private QueuedLineWriter(OutputStream out, long budgetBytes, Runnable onBroken) {
        this.out = requireNonNull(out, "out is null");
        if (budgetBytes < 1) {
            throw new IllegalArgumentException("budgetBytes must be positive");
        }
        this.budgetBytes = budgetBytes;
        this.onBroken = requireNonNull(onBroken, "onBroken is null");
    }

    /**
     * Starts a writer and its thread (a virtual thread named {@code threadName}).
     *
     * @param out the peer's stream; written and flushed by the writer thread only
     * @param budgetBytes how many bytes may wait unwritten before {@link #writeLine} waits and {@link #offerLine}
     *        gives up on the peer
     * @param threadName the writer thread's name, for thread dumps
     * @param onBroken run once when the writer breaks (a failed write, or an offer over the budget); it must not
     *        block, e.g. {@code Connection::close}
     */
    public static QueuedLineWriter start(OutputStream out, long budgetBytes, String threadName, Runnable onBroken) {
        QueuedLineWriter writer = new QueuedLineWriter(out, budgetBytes, onBroken);
        Thread.ofVirtual().name(threadName).start(writer::drain);
        return writer;
    }

    /**
     * Queues {@code line}; the writer thread adds the newline, writes and flushes it.
     *
     * @param line bytes without a newline
     * @throws InterruptedIOException if interrupted while waiting for room (the line is not queued)
     * @throws IOException if the writer is closed or broken
     */
    public void writeLine(byte[] line) throws IOException {
        lock.lock();
        try {
            while (pendingBytes >= budgetBytes && usable()) {
                try {
                    changed.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while waiting for the peer to read");
                }
            }
            ensureUsable();
            enqueue(line);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Queues {@code line} if the budget allows, without ever waiting; over the budget the writer breaks and
     * {@code onBroken} runs.
     *
     * @param line bytes without a newline
     * @return whether the line was queued
     */
    public boolean offerLine(byte[] line) {
        lock.lock();
        try {
            if (!usable()) {
                return false;
            }
            if (pendingBytes < budgetBytes) {
                enqueue(line);
                return true;
            }
        } finally {
            lock.unlock();
        }
        breakWith("the peer has not read the last " + budgetBytes + " bytes; closing the connection");
        return false;
    }

    /**
     * Waits until every queued line has been written and flushed, or the writer is closed or broken.
     *
     * @param timeout the longest wait
     * @return true if nothing is left to write
     */
    public boolean awaitDrained(Duration timeout) {
        long left = timeout.toNanos();
        lock.lock();
        try {
            while (pendingBytes > 0 && usable()) {
                if (left <= 0) {
                    return false;
                }
                try {
                    left = changed.awaitNanos(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return pendingBytes == 0;
        } finally {
            lock.unlock();
        }
    }

    /** Why the writer broke, or {@code null} while it is not broken. */
    public String brokenBecause() {
        lock.lock();
        try {
            return brokenBecause;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stops the writer: lines not yet written are dropped, later lines are refused, and the writer thread ends once
     * a write in progress returns (closing the connection makes it return). Never blocks.
     */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            dropQueue();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void drain() {
        List<byte[]> batch = new ArrayList<>();
        while (true) {
            lock.lock();
            try {
                while (queue.isEmpty() && usable()) {
                    changed.awaitUninterruptibly();
                }
                if (!usable()) {
                    return;
                }
                batch.addAll(queue);
                queue.clear(); // pendingBytes still counts them until they are written
            } finally {
                lock.unlock();
            }
            long written = 0;
            try {
                for (byte[] line : batch) {
                    out.write(line);
                    out.write('\n');
                    written += line.length + 1L;
                }
                out.flush();
            } catch (IOException | RuntimeException e) {
                breakWith("writing to the peer failed: " + e);
                return;
            }
            batch.clear();
            lock.lock();
            try {
                pendingBytes = Math.max(0, pendingBytes - written);
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    private void breakWith(String reason) {
        lock.lock();
        try {
            if (brokenBecause != null) {
                return;
            }
            brokenBecause = reason;
            dropQueue();
            pendingBytes = 0;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        onBroken.run();
    }

    private void enqueue(byte[] line) {
        queue.addLast(line);
        pendingBytes += line.length + 1L;
        changed.signalAll();
    }

    private void dropQueue() {
        for (byte[] line : queue) {
            pendingBytes -= line.length + 1L;
        }
        queue.clear();
    }

    private boolean usable() {
        return !closed && brokenBecause == null;
    }

    private void ensureUsable() throws IOException {
        if (brokenBecause != null) {
            throw new IOException("the connection is broken: " + brokenBecause);
        }
        if (closed) {
            throw new IOException("the connection is closed");
        }
    }

    /** For tests: bytes queued or being written. */
    long pendingBytes() {
        lock.lock();
        try {
            return pendingBytes;
        } finally {
            lock.unlock();
        }
    }
}
