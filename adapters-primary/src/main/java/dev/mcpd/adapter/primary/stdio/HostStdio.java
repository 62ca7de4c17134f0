package dev.mcpd.adapter.primary.stdio;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;

/**
 * The host's pipes (B-G7): stdin and stdout carry MCP and nothing else. {@link #claim()} takes the raw file
 * descriptors and points {@code System.out} at stderr, so a stray print anywhere cannot corrupt the protocol.
 */
public final class HostStdio {

    private final InputStream in;
    private final OutputStream out;
    private final PrintStream err;

    private HostStdio(InputStream in, OutputStream out, PrintStream err) {
        this.in = in;
        this.out = out;
        this.err = err;
    }

    /** Takes stdin and stdout for MCP; afterwards {@code System.out} writes to stderr. */
    public static HostStdio claim() {
        HostStdio stdio = new HostStdio(new FileInputStream(FileDescriptor.in),
                new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 64 * 1024), System.err);
        System.setOut(System.err);
        return stdio;
    }

    public InputStream in() {
        return in;
    }

    public OutputStream out() {
        return out;
    }

    /** For the few messages a person must see (B-W5); silent otherwise. */
    public PrintStream err() {
        return err;
    }
}
