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
 * <p>Back-pressure: when Vert.x's write queue is over {@link #WRITE_QUEUE_MAX} bytes (a peer that does not read),
 * {@code flush} waits for the socket's drain instead of queueing without bound; {@link #close()} wakes it at once,
 * and it then throws (B-C1: a stuck peer never holds a handler past close).
 */
final class SocketOutbound extends OutputStream {

    static final int WRITE_QUEUE_MAX = 256 * 1024;

    private final NetSocket socket;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition drained = lock.newCondition();
    private byte[] pending = new byte[8 * 1024];
    private int count;
    private boolean closed;

    SocketOutbound(NetSocket socket) {
        this.socket = socket;
        socket.setWriteQueueMaxSize(WRITE_QUEUE_MAX);
        socket.drainHandler(ignored -> signal());
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
            socket.write(Buffer.buffer(Arrays.copyOf(pending, count)));
            count = 0;
            if (pending.length > 64 * 1024) {
                pending = new byte[8 * 1024]; // a large message does not pin its buffer for the connection's life
            }
            while (socket.writeQueueFull() && !closed) {
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

    private void signal() {
        lock.lock();
        try {
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
