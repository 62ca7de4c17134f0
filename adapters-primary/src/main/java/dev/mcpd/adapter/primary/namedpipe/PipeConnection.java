package dev.mcpd.adapter.primary.namedpipe;

import static java.util.Objects.requireNonNull;

import dev.mcpd.adapter.primary.connection.BulkInputStream;
import dev.mcpd.adapter.primary.connection.BulkOutputStream;
import dev.mcpd.adapter.primary.connection.StreamConnection;
import dev.mcpd.domain.model.Endpoint;
import dev.mcpd.domain.model.PeerCredentials;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One connected pipe instance as a {@link StreamConnection}, on either side: the daemon's (peer pid from the kernel)
 * or the proxy's (peer unknown). Close semantics are {@link PipeChannel}'s: at once, unblocking reads and writes
 * (B-C1). Closing either stream closes the connection.
 */
final class PipeConnection extends StreamConnection {

    /** Bytes buffered before a write reaches the pipe; one {@code WriteFile} per flush of a typical MCP line. */
    private static final int WRITE_BUFFER = 64 * 1024;

    private final PipeChannel channel;
    /** Set once a read met end of stream or a write a broken pipe: the transport saw the connection break. */
    private final AtomicBoolean broken;

    /**
     * @param endpoint the pipe's endpoint
     * @param peer the kernel's view of the peer
     * @param channel the connected instance, now owned by this connection
     * @param onClose called with this connection once, after the first {@link #close()}
     */
    PipeConnection(Endpoint endpoint, PeerCredentials peer, PipeChannel channel,
            Consumer<? super StreamConnection> onClose) {
        requireNonNull(channel, "channel is null");
        AtomicBoolean broken = new AtomicBoolean();
        super(endpoint, peer, close -> pipeInput(channel, broken, close),
                close -> new BufferedOutputStream(pipeOutput(channel, broken, close), WRITE_BUFFER), onClose);
        this.channel = channel;
        this.broken = broken;
    }

    private static InputStream pipeInput(PipeChannel channel, AtomicBoolean broken, Runnable close) {
        return new BulkInputStream() {
            @Override
            protected int readBulk(byte[] b, int off, int len) throws IOException {
                int n = channel.read(b, off, len);
                if (n < 0) {
                    broken.set(true);
                }
                return n;
            }

            @Override
            public void close() {
                close.run();
            }
        };
    }

    private static OutputStream pipeOutput(PipeChannel channel, AtomicBoolean broken, Runnable close) {
        return new BulkOutputStream() {
            @Override
            public void close() {
                close.run();
            }

            @Override
            protected void writeBulk(byte[] b, int off, int len) throws IOException {
                try {
                    channel.write(b, off, len);
                } catch (PipeException e) {
                    if (e.isBrokenPipe()) {
                        broken.set(true);
                    }
                    throw e;
                }
            }
        };
    }

    @Override
    protected boolean transportOpen() {
        return !channel.isClosed() && !broken.get();
    }

    @Override
    protected void closeTransport() {
        channel.close();
    }
}
