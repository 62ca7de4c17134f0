package dev.mcpd.application.wire;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The daemon-wide budget of bytes that {@link LineReader}s may buffer for lines still arriving (review finding 5).
 *
 * <p>Without it, every connection may hold up to the line limit (16 MiB) while its line is incomplete, and 40
 * such connections exhaust a 512 MiB heap: the daemon dies for every client. With it, the connection that asks for
 * more than is left gets an error and is closed; the others go on (B-C4, B-X1). Thread-safe, lock-free.
 */
public final class LineBudget {

    private final long capacityBytes;
    private final AtomicLong usedBytes = new AtomicLong();

    /**
     * @param capacityBytes the most bytes all readers together may hold beyond their first {@link LineReader#BASE_BUFFER}
     *     bytes each; positive
     * @throws IllegalArgumentException if {@code capacityBytes} is not positive
     */
    public LineBudget(long capacityBytes) {
        if (capacityBytes <= 0) {
            throw new IllegalArgumentException("capacityBytes must be positive, was " + capacityBytes);
        }
        this.capacityBytes = capacityBytes;
    }

    /** A budget that never refuses (a proxy's single connection, tests). */
    public static LineBudget unlimited() {
        return new LineBudget(Long.MAX_VALUE);
    }

    /**
     * Takes {@code bytes} from the budget if that many are left.
     *
     * @return whether they were taken; when false nothing was taken
     */
    public boolean tryReserve(long bytes) {
        while (true) {
            long used = usedBytes.get();
            if (bytes > capacityBytes - used) {
                return false;
            }
            if (usedBytes.compareAndSet(used, used + bytes)) {
                return true;
            }
        }
    }

    /** Gives back {@code bytes} taken by {@link #tryReserve}. */
    public void release(long bytes) {
        usedBytes.addAndGet(-bytes);
    }

    /** Bytes taken now, over all readers. */
    public long usedBytes() {
        return usedBytes.get();
    }

    /** The budget's size in bytes. */
    public long capacityBytes() {
        return capacityBytes;
    }
}
