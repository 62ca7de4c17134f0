package dev.mcpd.adapter.primary.tcp;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The bytes a Vert.x socket received, as a blocking {@link InputStream} for a connection handler's thread.
 *
 * <p>The event loop {@link #offer offers} buffers; the handler's thread reads them. Flow control: above
 * {@link #HIGH_WATER} queued bytes the socket is paused (the kernel's window then pushes back on the peer), and
 * resumed below {@link #LOW_WATER}, so a fast peer cannot fill the heap. {@link #end()} is the peer's half-close or
 * close (reads then return -1); {@link #close()} is ours (reads then throw), and wakes a blocked reader at once
 * (B-C1).
 */
final class SocketInbound extends InputStream {

    static final int HIGH_WATER = 256 * 1024;
    static final int LOW_WATER = 64 * 1024;

    private final NetSocket socket;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<Buffer> queue = new ArrayDeque<>();
    private int headOffset;
    private int queued;
    private boolean paused;
    private boolean ended;
    private boolean closed;

    SocketInbound(NetSocket socket) {
        this.socket = socket;
    }

    /** Called on the event loop with each buffer received. */
    void offer(Buffer buffer) {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            queue.add(buffer);
            queued += buffer.length();
            if (queued > HIGH_WATER && !paused) {
                paused = true;
                socket.pause();
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The peer will send no more: reads return what is queued, then -1. */
    void end() {
        lock.lock();
        try {
            ended = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n == -1 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        lock.lock();
        try {
            while (queue.isEmpty() && !ended && !closed) {
                changed.await();
            }
            if (closed) {
                throw new IOException("connection closed");
            }
            if (queue.isEmpty()) {
                return -1;
            }
            int copied = 0;
            while (copied < len && !queue.isEmpty()) {
                Buffer head = queue.peek();
                int n = Math.min(len - copied, head.length() - headOffset);
                head.getBytes(headOffset, headOffset + n, b, off + copied);
                copied += n;
                headOffset += n;
                if (headOffset == head.length()) {
                    queue.poll();
                    headOffset = 0;
                }
            }
            queued -= copied;
            if (paused && queued < LOW_WATER) {
                paused = false;
                socket.resume();
            }
            return copied;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while reading");
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int available() {
        lock.lock();
        try {
            return queued;
        } finally {
            lock.unlock();
        }
    }

    /** Our side closed: a blocked or later read throws. Never blocks. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            queue.clear();
            queued = 0;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
