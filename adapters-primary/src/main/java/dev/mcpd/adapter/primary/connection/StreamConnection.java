package dev.mcpd.adapter.primary.connection;

import static java.util.Objects.requireNonNull;

import dev.mcpd.domain.model.Endpoint;
import dev.mcpd.domain.model.PeerCredentials;
import dev.mcpd.domain.port.Connection;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A {@link Connection} as a pair of byte streams: what every transport's connection shares (the endpoint, the
 * kernel's view of the peer, the streams, and a {@link #close()} that runs once). A subclass keeps only what its
 * transport does on close ({@link #closeTransport()}) and how it sees a connection break ({@link #transportOpen()}).
 *
 * <p>Invariants ({@link Connection}'s, held here for every transport):
 * <ol>
 *   <li>{@link #close()} is idempotent and never throws: the first call closes the transport, then tells
 *       {@code onClose}; later calls do nothing (B-C1).
 *   <li>{@code onClose} runs exactly once, whether this side closed ({@link #close()}) or the transport saw the peer
 *       close first ({@link #closedByPeer()}).
 * </ol>
 */
public abstract class StreamConnection implements Connection {

    /** An {@code onClose} for connections nobody keeps count of (the proxy's side). */
    public static final Consumer<StreamConnection> UNTRACKED = connection -> {};

    private final Endpoint endpoint;
    private final PeerCredentials peer;
    private final InputStream in;
    private final OutputStream out;
    private final Consumer<? super StreamConnection> onClose;
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * @param endpoint the endpoint this connection was accepted on or connected to
     * @param peer the kernel's view of the peer, {@link PeerCredentials#unknown()} where the transport has none
     * @param in bytes from the peer
     * @param out bytes to the peer
     * @param onClose told once, with this connection, when it closes (a transport's set of open connections)
     */
    protected StreamConnection(Endpoint endpoint, PeerCredentials peer, InputStream in, OutputStream out,
            Consumer<? super StreamConnection> onClose) {
        this(endpoint, peer, close -> in, close -> out, onClose);
    }

    /**
     * For streams that must close their own connection (a read abandoned on interrupt, a stream's own
     * {@code close}): each function is given this connection's {@link #close()} and returns the stream. The
     * streams may only run it after construction, as a stream does when it is used.
     */
    protected StreamConnection(Endpoint endpoint, PeerCredentials peer, Function<Runnable, InputStream> in,
            Function<Runnable, OutputStream> out, Consumer<? super StreamConnection> onClose) {
        this.endpoint = requireNonNull(endpoint, "endpoint is null");
        this.peer = requireNonNull(peer, "peer is null");
        this.in = requireNonNull(in.apply(this::close), "in is null");
        this.out = requireNonNull(out.apply(this::close), "out is null");
        this.onClose = requireNonNull(onClose, "onClose is null");
    }

    @Override
    public final Endpoint endpoint() {
        return endpoint;
    }

    @Override
    public final PeerCredentials peer() {
        return peer;
    }

    @Override
    public final InputStream input() {
        return in;
    }

    /** Open until {@link #close()} or {@link #closedByPeer()}, and while the transport sees no break. */
    @Override
    public final boolean isOpen() {
        return !closed.get() && transportOpen();
    }

    @Override
    public final OutputStream output() {
        return out;
    }

    /** Closes the transport, then tells {@code onClose}; the first call only (B-C1). */
    @Override
    public final void close() {
        if (closed.compareAndSet(false, true)) {
            closeTransport();
            onClose.accept(this);
        }
    }

    /**
     * The transport saw the connection close from the other side: marks it closed and tells {@code onClose}
     * without {@link #closeTransport()}, so what was received stays readable.
     */
    protected final void closedByPeer() {
        if (closed.compareAndSet(false, true)) {
            onClose.accept(this);
        }
    }

    /** Whether the transport still has the connection (a socket not closed, a pipe not broken); true by default. */
    protected boolean transportOpen() {
        return true;
    }

    /** Closes the transport's resource at once, without waiting for the peer (B-C1); must not throw. */
    protected abstract void closeTransport();
}
