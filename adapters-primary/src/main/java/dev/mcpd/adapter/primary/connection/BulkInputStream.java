package dev.mcpd.adapter.primary.connection;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * An {@link InputStream} that reads only in bulk: a single-byte {@link #read()} is a one-byte bulk read, and every
 * read is bounds-checked here, so a transport's stream implements {@link #readBulk} alone.
 */
public abstract class BulkInputStream extends InputStream {

    /** @return the byte read (0 to 255), or -1 at end of stream */
    @Override
    public final int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    /** @throws IndexOutOfBoundsException if {@code off} and {@code len} do not fit {@code b} */
    @Override
    public final int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        return readBulk(b, off, len);
    }

    /**
     * Reads up to {@code len} bytes into {@code b} from {@code off}, blocking until at least one byte, end of stream
     * or a failure; the bounds are checked.
     *
     * @return how many bytes were read, or -1 at end of stream
     */
    protected abstract int readBulk(byte[] b, int off, int len) throws IOException;
}
