package dev.mcpd.adapter.primary.tcp;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A blocking {@link OutputStream} onto a Vert.x socket: bytes collect here and go to the socket on
 * {@link #flush()}, one buffer per message (callers flush after each line, B-W1).
 *
 * <p>Back-pressure: while more than {@link #WRITE_QUEUE_MAX} bytes handed to Vert.x have not reached the kernel
 * (a peer that does not read), {@code flush} waits instead of queueing without bound. The count is this stream's
 * own, kept by each write's completion: Vert.x's {@code writeQueueFull()} is updated on the event loop, so right
 * after a write from another thread it still says "not full". {@link #close()} wakes a waiting flush at once,
 * and it then throws (B-C1: a stuck peer never holds a handler past close).
 */
final class SocketOutbound extends OutputStream {

    static final int WRITE_QUEUE_MAX = 256 * 1024;

    private final NetSocket socket;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition drained = lock.newCondition();
    private byte[] pending = new byte[8 * 1024];
    private int count;
    /** Bytes written to the socket whose write has not completed yet. */
    private long outstanding;
    private boolean closed;

    SocketOutbound(NetSocket socket) {
        this.socket = socket;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        lock.lock();
        try {
            ensureOpen();
            if (count + len > pending.length) {
                pending = Arrays.copyOf(pending, Math.max(pending.length * 2, count + len));
            }
            System.arraycopy(b, off, pending, count, len);
            count += len;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void flush() throws IOException {
        lock.lock();
        try {
            ensureOpen();
            if (count == 0) {
                return;
            }
            int sent = count;
            outstanding += sent;
            socket.write(Buffer.buffer(Arrays.copyOf(pending, sent))).onComplete(ignored -> written(sent));
            count = 0;
            if (pending.length > 64 * 1024) {
                pending = new byte[8 * 1024]; // a large message does not pin its buffer for the connection's life
            }
            while (outstanding > WRITE_QUEUE_MAX && !closed) {
                drained.await(50, java.util.concurrent.TimeUnit.MILLISECONDS);
            }
            ensureOpen();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while the peer was not reading");
        } finally {
            lock.unlock();
        }
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException("connection closed");
        }
    }

    /** A write reached the kernel, or failed (the connection closed): its bytes are no longer outstanding. */
    private void written(int bytes) {
        lock.lock();
        try {
            outstanding -= bytes;
            drained.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Our side or the peer closed: a blocked or later write throws. Never blocks. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            drained.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
