package dev.mcpd.adapter.primary.namedpipe;

import static java.util.Objects.requireNonNull;

import dev.mcpd.domain.model.Endpoint;
import dev.mcpd.domain.model.PeerCredentials;
import dev.mcpd.domain.port.Connection;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.function.Consumer;

/**
 * One connected pipe instance as a {@link Connection}, on either side: the daemon's (peer pid from the kernel) or
 * the proxy's (peer unknown). Close semantics are {@link PipeChannel}'s: at once, unblocking reads and writes (B-C1).
 */
final class PipeConnection implements Connection {

    /** Bytes buffered before a write reaches the pipe; one {@code WriteFile} per flush of a typical MCP line. */
    private static final int WRITE_BUFFER = 64 * 1024;

    private final Endpoint endpoint;
    private final PeerCredentials peer;
    private final PipeChannel channel;
    private final Consumer<PipeConnection> onClose;
    private final InputStream in;
    private final OutputStream out;
    private volatile boolean broken;

    /**
     * @param endpoint the pipe's endpoint
     * @param peer the kernel's view of the peer
     * @param channel the connected instance, now owned by this connection
     * @param onClose called with this connection once, after the first {@link #close()}
     */
    PipeConnection(Endpoint endpoint, PeerCredentials peer, PipeChannel channel, Consumer<PipeConnection> onClose) {
        this.endpoint = requireNonNull(endpoint, "endpoint is null");
        this.peer = requireNonNull(peer, "peer is null");
        this.channel = requireNonNull(channel, "channel is null");
        this.onClose = requireNonNull(onClose, "onClose is null");
        this.in = new PipeInput();
        this.out = new BufferedOutputStream(new PipeOutput(), WRITE_BUFFER);
    }

    @Override
    public Endpoint endpoint() {
        return endpoint;
    }

    @Override
    public PeerCredentials peer() {
        return peer;
    }

    @Override
    public InputStream input() {
        return in;
    }

    @Override
    public OutputStream output() {
        return out;
    }

    @Override
    public boolean isOpen() {
        return !channel.isClosed() && !broken;
    }

    @Override
    public void close() {
        if (channel.isClosed()) {
            return;
        }
        channel.close();
        onClose.accept(this);
    }

    private final class PipeInput extends InputStream {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            int n = channel.read(b, off, len);
            if (n < 0) {
                broken = true;
            }
            return n;
        }

        @Override
        public void close() {
            PipeConnection.this.close();
        }
    }

    private final class PipeOutput extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            try {
                channel.write(b, off, len);
            } catch (PipeException e) {
                if (e.isBrokenPipe()) {
                    broken = true;
                }
                throw e;
            }
        }

        @Override
        public void close() {
            PipeConnection.this.close();
        }
    }
}
