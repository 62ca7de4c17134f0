package dev.mcpd.application.wire;

import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Writes whole lines to a stream from many threads, synchronously (B-W1): each line is written and flushed under
 * one lock, so lines never interleave. The lock is a {@link ReentrantLock}, which does not pin virtual threads.
 *
 * <p>A write that fails part-way (the peer went away, or the writing thread was interrupted) may have left part of
 * a line in the stream: the writer is then broken and refuses every later line, so that no line ever follows a
 * torn one (review finding 6). The daemon writes to its clients through a {@link QueuedLineWriter} instead, whose
 * callers never write themselves and so can be interrupted, and which never blocks its shutdown path.
 */
public final class LineWriter {

    private final OutputStream out;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile IOException broken;

    public LineWriter(OutputStream out) {
        this.out = out;
    }

    /**
     * Writes {@code line} followed by a newline, then flushes.
     *
     * @param line bytes without a newline
     * @throws IOException if the peer went away, or an earlier write failed part-way
     */
    public void writeLine(byte[] line) throws IOException {
        lock.lock();
        try {
            if (broken != null) {
                throw new IOException("an earlier write failed part-way; no line may follow it", broken);
            }
            try {
                out.write(line);
                out.write('\n');
                out.flush();
            } catch (IOException | RuntimeException e) {
                broken = e instanceof IOException io ? io : new IOException(e);
                throw e;
            }
        } finally {
            lock.unlock();
        }
    }
}
