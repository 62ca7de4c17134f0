package dev.mcpd.application.wire;

import dev.mcpd.domain.error.LineTooLongException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Splits a byte stream into lines (B-W1): on the newline byte {@code 0x0A}, never on a decoded character
 * boundary, so invalid UTF-8 cannot shift a boundary. A trailing {@code \r} is dropped.
 *
 * <p>Invariants: a line longer than {@code maxLineBytes} raises {@link LineTooLongException} without buffering
 * more than the limit (B-C4); bytes after the last newline at end of stream are returned as a final line.
 * Not thread-safe: one reader thread per stream.
 */
public final class LineReader {

    private final InputStream in;
    private final int maxLineBytes;
    private byte[] buffer = new byte[8192];
    private int start;
    private int end;
    private boolean eof;

    /**
     * @param in the stream to read
     * @param maxLineBytes the largest line accepted, in bytes, excluding the newline
     */
    public LineReader(InputStream in, int maxLineBytes) {
        this.in = in;
        this.maxLineBytes = maxLineBytes;
    }

    /**
     * Reads the next line.
     *
     * @return the line's bytes without the newline, or {@code null} at end of stream
     * @throws LineTooLongException if a line exceeds the limit; the stream is then unusable
     * @throws IOException if reading fails
     */
    public byte[] readLine() throws IOException {
        int scanned = 0; // bytes after start already known to hold no newline; fill() keeps this valid
        while (true) {
            for (int i = start + scanned; i < end; i++) {
                if (buffer[i] == '\n') {
                    int lineEnd = i > start && buffer[i - 1] == '\r' ? i - 1 : i;
                    checkLength(lineEnd - start);
                    byte[] line = Arrays.copyOfRange(buffer, start, lineEnd);
                    start = i + 1;
                    return line;
                }
            }
            scanned = end - start;
            // a trailing \r may be the first half of a \r\n that ends a line of exactly the limit
            checkLength(scanned > 0 && buffer[end - 1] == '\r' ? scanned - 1 : scanned);
            if (eof) {
                if (scanned == 0) {
                    return null;
                }
                byte[] line = Arrays.copyOfRange(buffer, start, end);
                start = end;
                return line;
            }
            fill();
        }
    }

    private void fill() throws IOException {
        if (start > 0) {
            System.arraycopy(buffer, start, buffer, 0, end - start);
            end -= start;
            start = 0;
        }
        if (end == buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.min(Math.max(buffer.length * 2, 8192), maxLineBytes + 2));
        }
        int n = in.read(buffer, end, buffer.length - end);
        if (n < 0) {
            eof = true;
        } else {
            end += n;
        }
    }

    private void checkLength(int length) {
        if (length > maxLineBytes) {
            throw new LineTooLongException("line longer than " + maxLineBytes + " bytes");
        }
    }
}
