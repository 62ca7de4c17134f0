package dev.mcpd.adapter.primary.connection;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;

/**
 * An {@link OutputStream} that writes only in bulk: a single-byte {@link #write(int)} is a one-byte bulk write, and
 * every write is bounds-checked here, so a transport's stream implements {@link #writeBulk} alone.
 */
public abstract class BulkOutputStream extends OutputStream {

    /** Writes the low eight bits of {@code b}. */
    @Override
    public final void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    /** @throws IndexOutOfBoundsException if {@code off} and {@code len} do not fit {@code b} */
    @Override
    public final void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        writeBulk(b, off, len);
    }

    /** Writes the {@code len} bytes of {@code b} from {@code off}; the bounds are checked. */
    protected abstract void writeBulk(byte[] b, int off, int len) throws IOException;
}
