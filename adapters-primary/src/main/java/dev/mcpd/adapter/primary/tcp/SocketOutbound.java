package dev.mcpd.adapter.primary.tcp;

import dev.mcpd.adapter.primary.connection.BulkOutputStream;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

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
final class SocketOutbound extends BulkOutputStream {

    static final int WRITE_QUEUE_MAX = 256 * 1024;

    private final NetSocket socket;
    private final StreamMonitor monitor = new StreamMonitor();
    private byte[] pending = new byte[8 * 1024];
    private int count;
    /** Bytes written to the socket whose write has not completed yet. */
    private long outstanding;
    private boolean closed;

    SocketOutbound(NetSocket socket) {
        this.socket = socket;
    }

    @Override
    protected void writeBulk(byte[] b, int off, int len) throws IOException {
        monitor.guarded("interrupted while writing", drained -> {
            ensureOpen();
            if (count + len > pending.length) {
                pending = Arrays.copyOf(pending, Math.max(pending.length * 2, count + len));
            }
            System.arraycopy(b, off, pending, count, len);
            count += len;
            return null;
        });
    }

    @Override
    public void flush() throws IOException {
        monitor.guarded("interrupted while the peer was not reading", drained -> {
            ensureOpen();
            if (count == 0) {
                return null;
            }
            int sent = count;
            outstanding += sent;
            socket.write(Buffer.buffer(Arrays.copyOf(pending, sent))).onComplete(ignored -> written(sent));
            count = 0;
            if (pending.length > 64 * 1024) {
                pending = new byte[8 * 1024]; // a large message does not pin its buffer for the connection's life
            }
            while (outstanding > WRITE_QUEUE_MAX && !closed) {
                drained.await(50, TimeUnit.MILLISECONDS);
            }
            ensureOpen();
            return null;
        });
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException("connection closed");
        }
    }

    /** A write reached the kernel, or failed (the connection closed): its bytes are no longer outstanding. */
    private void written(int bytes) {
        monitor.change(() -> outstanding -= bytes);
    }

    /** Our side or the peer closed: a blocked or later write throws. Never blocks. */
    @Override
    public void close() {
        monitor.change(() -> closed = true);
    }
}
