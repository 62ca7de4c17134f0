package dev.mcpd.adapter.primary.stdio;

import static java.util.Objects.requireNonNull;

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
 *
 * @param in MCP from the host (stdin, unbuffered)
 * @param out MCP to the host (stdout, buffered: callers flush after each line)
 * @param err for the few messages a person must see (B-W5); silent otherwise
 */
public record HostStdio(InputStream in, OutputStream out, PrintStream err) {

    public HostStdio {
        requireNonNull(in, "in is null");
        requireNonNull(out, "out is null");
        requireNonNull(err, "err is null");
    }

    /** Takes stdin and stdout for MCP; afterwards {@code System.out} writes to stderr. */
    public static HostStdio claim() {
        HostStdio stdio = new HostStdio(new FileInputStream(FileDescriptor.in),
                new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 64 * 1024), System.err);
        System.setOut(System.err);
        return stdio;
    }
}
