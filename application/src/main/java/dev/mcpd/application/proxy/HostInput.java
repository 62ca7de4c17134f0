package dev.mcpd.application.proxy;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** The host's stdin, noting whether the host has sent a byte yet: the startup window watches that (B-G2). */
final class HostInput extends FilterInputStream {

    private volatile boolean spoke;

    HostInput(InputStream in) {
        super(in);
    }

    /** Whether at least one byte has been read from the host. */
    boolean spoke() {
        return spoke;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
            spoke = true;
        }
        return n;
    }
}
