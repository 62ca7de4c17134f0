package dev.mcpd.adapter.primary.tcp;

import dev.mcpd.adapter.primary.connection.BulkInputStream;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;

/**
 * The bytes a Vert.x socket received, as a blocking {@link InputStream} for a connection handler's thread.
 *
 * <p>The event loop {@link #offer offers} buffers; the handler's thread reads them. Flow control: above
 * {@link #HIGH_WATER} queued bytes the socket is paused (the kernel's window then pushes back on the peer), and
 * resumed below {@link #LOW_WATER}, so a fast peer cannot fill the heap. {@link #end()} is the peer's half-close or
 * close (reads then return -1); {@link #close()} is ours (reads then throw), and wakes a blocked reader at once
 * (B-C1).
 */
final class SocketInbound extends BulkInputStream {

    static final int HIGH_WATER = 256 * 1024;
    static final int LOW_WATER = 64 * 1024;

    private final NetSocket socket;
    private final StreamMonitor monitor = new StreamMonitor();
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
        monitor.change(() -> {
            if (closed) {
                return;
            }
            queue.add(buffer);
            queued += buffer.length();
            if (queued > HIGH_WATER && !paused) {
                paused = true;
                socket.pause();
            }
        });
    }

    /** The peer will send no more: reads return what is queued, then -1. */
    void end() {
        monitor.change(() -> ended = true);
    }

    @Override
    protected int readBulk(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        return monitor.guarded("interrupted while reading", changed -> {
            while (queue.isEmpty() && !ended && !closed) {
                changed.await();
            }
            if (closed) {
                throw new IOException("connection closed");
            }
            return queue.isEmpty() ? -1 : take(b, off, len);
        });
    }

    /** Moves up to {@code len} queued bytes into {@code b}, resuming the socket below the low water mark. */
    private int take(byte[] b, int off, int len) {
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
    }

    @Override
    public int available() {
        return monitor.read(() -> queued);
    }

    /** Our side closed: a blocked or later read throws. Never blocks. */
    @Override
    public void close() {
        monitor.change(() -> {
            closed = true;
            queue.clear();
            queued = 0;
        });
    }
}
