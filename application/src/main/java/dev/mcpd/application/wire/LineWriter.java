package dev.mcpd.application.wire;

import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Writes whole lines to a stream from many threads (B-W1): each line is written and flushed under one lock,
 * so lines never interleave. The lock is a {@link ReentrantLock}, which does not pin virtual threads.
 */
public final class LineWriter {

    private final OutputStream out;
    private final ReentrantLock lock = new ReentrantLock();

    public LineWriter(OutputStream out) {
        this.out = out;
    }

    /**
     * Writes {@code line} followed by a newline, then flushes.
     *
     * @param line bytes without a newline
     * @throws IOException if the peer went away
     */
    public void writeLine(byte[] line) throws IOException {
        lock.lock();
        try {
            out.write(line);
            out.write('\n');
            out.flush();
        } finally {
            lock.unlock();
        }
    }
}
