package dev.mcpd.application.wire;

import dev.mcpd.domain.error.LineTooLongException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Splits a byte stream into lines (B-W1): on the newline byte {@code 0x0A}, never on a decoded character
 * boundary, so invalid UTF-8 cannot shift a boundary. A trailing {@code \r} is dropped.
 *
 * <p>Invariants:
 * <ol>
 *   <li>B-C4 a line longer than the limit raises {@link LineTooLongException} without buffering more than the limit.
 *   <li>Review finding 5: every byte buffered beyond the first {@link #BASE_BUFFER} is taken from a shared
 *       {@link LineBudget} before it is allocated; when the budget has too little left, the line is refused with a
 *       {@link LineTooLongException} saying so. After a line larger than the base buffer the buffer shrinks back,
 *       and {@link #release()} returns everything taken.
 *   <li>Bytes after the last newline at end of stream are returned as a final line, by the same rules.
 * </ol>
 * Not thread-safe: one reader thread per stream.
 */
public final class LineReader {

    /** The buffer every reader starts with, in bytes; not counted against the budget. */
    public static final int BASE_BUFFER = 8192;

    private final InputStream in;
    private final int maxLineBytes;
    private final LineBudget budget;
    private byte[] buffer = new byte[BASE_BUFFER];
    private long reserved; // bytes of buffer beyond BASE_BUFFER, taken from the budget
    private int start;
    private int end;
    private boolean eof;

    /**
     * A reader with no shared budget.
     *
     * @param in the stream to read
     * @param maxLineBytes the largest line accepted, in bytes, excluding the newline
     */
    public LineReader(InputStream in, int maxLineBytes) {
        this(in, maxLineBytes, LineBudget.unlimited());
    }

    /**
     * @param in the stream to read
     * @param maxLineBytes the largest line accepted, in bytes, excluding the newline
     * @param budget the budget the buffer's growth beyond {@link #BASE_BUFFER} is taken from
     */
    public LineReader(InputStream in, int maxLineBytes, LineBudget budget) {
        this.in = in;
        this.maxLineBytes = maxLineBytes;
        this.budget = budget;
    }

    /**
     * Reads the next line with the reader's limit.
     *
     * @return the line's bytes without the newline, or {@code null} at end of stream
     * @throws LineTooLongException if a line exceeds the limit or the budget; the stream is then unusable
     * @throws IOException if reading fails
     */
    public byte[] readLine() throws IOException {
        return readLine(maxLineBytes);
    }

    /**
     * Reads the next line with a limit of its own, e.g. the 4 KiB of a hello that must come first (B-T3).
     *
     * @param limit the largest line accepted this time, in bytes, at most the reader's limit
     * @return the line's bytes without the newline, or {@code null} at end of stream
     * @throws LineTooLongException if the line exceeds {@code limit} or the budget; the stream is then unusable
     * @throws IOException if reading fails
     */
    public byte[] readLine(int limit) throws IOException {
        int max = Math.min(limit, maxLineBytes);
        int scanned = 0; // bytes after start already known to hold no newline; fill() keeps this valid
        while (true) {
            for (int i = start + scanned; i < end; i++) {
                if (buffer[i] == '\n') {
                    int lineEnd = i > start && buffer[i - 1] == '\r' ? i - 1 : i;
                    checkLength(lineEnd - start, max);
                    byte[] line = Arrays.copyOfRange(buffer, start, lineEnd);
                    start = i + 1;
                    shrink();
                    return line;
                }
            }
            scanned = end - start;
            // a trailing \r may be the first half of a \r\n that ends a line of exactly the limit
            checkLength(scanned > 0 && buffer[end - 1] == '\r' ? scanned - 1 : scanned, max);
            if (eof) {
                if (scanned == 0) {
                    return null;
                }
                // the final, unterminated line follows the same rules: a trailing \r dropped, the limit checked
                // (found by WireFuzzTest: it came back one byte over the limit, its \r kept)
                int lineEnd = buffer[end - 1] == '\r' ? end - 1 : end;
                checkLength(lineEnd - start, max);
                byte[] line = Arrays.copyOfRange(buffer, start, lineEnd);
                start = end;
                shrink();
                return line;
            }
            fill(max);
        }
    }

    /** Gives back to the budget every byte this reader holds beyond its base buffer; call once, when done. */
    public void release() {
        budget.release(reserved);
        reserved = 0;
        buffer = new byte[0];
        start = 0;
        end = 0;
        eof = true;
    }

    /** Bytes this reader holds beyond its base buffer, taken from the budget. */
    public long reservedBytes() {
        return reserved;
    }

    private void fill(int max) throws IOException {
        if (start > 0) {
            System.arraycopy(buffer, start, buffer, 0, end - start);
            end -= start;
            start = 0;
        }
        if (end == buffer.length) {
            resize(Math.min(Math.max(buffer.length * 2, BASE_BUFFER), max + 2));
        }
        int n = in.read(buffer, end, buffer.length - end);
        if (n < 0) {
            eof = true;
        } else {
            end += n;
        }
    }

    /** After a large line, goes back to a buffer just big enough for what is already read (review finding 5). */
    private void shrink() {
        int pending = end - start;
        int size = Math.max(BASE_BUFFER, pending);
        if (buffer.length > BASE_BUFFER && size <= buffer.length / 2) {
            byte[] smaller = Arrays.copyOfRange(buffer, start, start + size);
            long keep = Math.max(0, size - BASE_BUFFER);
            budget.release(reserved - keep);
            reserved = keep;
            buffer = smaller;
            start = 0;
            end = pending;
        }
    }

    private void resize(int size) {
        long wanted = Math.max(0, size - BASE_BUFFER);
        // the old array lives until the copy is done: both are counted meanwhile
        if (wanted > 0 && !budget.tryReserve(wanted)) {
            throw new LineTooLongException("line too large for the daemon's current memory budget ("
                    + mib(budget.usedBytes()) + " of " + mib(budget.capacityBytes())
                    + " MiB held by lines still arriving on all connections); send it again later or in smaller parts");
        }
        buffer = Arrays.copyOf(buffer, size);
        budget.release(reserved);
        reserved = wanted;
    }

    private static long mib(long bytes) {
        return bytes / (1024 * 1024);
    }

    private void checkLength(int length, int max) {
        if (length > max) {
            throw new LineTooLongException("line longer than " + max + " bytes");
        }
    }
}
