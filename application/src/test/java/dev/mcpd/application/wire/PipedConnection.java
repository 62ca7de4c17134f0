package dev.mcpd.application.wire;

import dev.mcpd.domain.model.Endpoint;
import dev.mcpd.domain.model.PeerCredentials;
import dev.mcpd.domain.model.TransportKind;
import dev.mcpd.domain.port.Connection;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;

/**
 * A {@link Connection} over two {@link Pipe}s, with the far end exposed to the test: the test plays the peer
 * (a client of the daemon, or the daemon a proxy talks to). Peer credentials are whatever the test says the
 * kernel reports, so a test can pretend to be a TCP peer ({@link PeerCredentials#unknown()}) or a given pid.
 */
public final class PipedConnection implements Connection {

    private final Endpoint endpoint;
    private final PeerCredentials peer;
    private final Pipe toThisSide = Pipe.open();
    private final Pipe toFarSide = Pipe.open();
    private final InputStream in = Channels.newInputStream(toThisSide.source());
    private final OutputStream out = Channels.newOutputStream(toFarSide.sink());
    private volatile boolean closed;

    public PipedConnection(PeerCredentials peer) throws IOException {
        this(peer, TransportKind.IN_MEMORY);
    }

    /** A connection that says it came in on {@code kind}, e.g. TCP for the token rules (B-T3). */
    public PipedConnection(PeerCredentials peer, TransportKind kind) throws IOException {
        this.endpoint = new Endpoint(kind, "piped");
        this.peer = peer;
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
        return !closed;
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(toThisSide.source());
        closeQuietly(toFarSide.sink());
    }

    /** The far side's view: what it reads ({@link #output()} of this side) and where it writes ({@link #input()}). */
    public LinePeer farSide() {
        return new LinePeer(Channels.newInputStream(toFarSide.source()), Channels.newOutputStream(toThisSide.sink()),
                () -> {
                    closeQuietly(toFarSide.source());
                    closeQuietly(toThisSide.sink());
                });
    }

    /** The far side's output only, for a test that plays a peer which writes but never reads. */
    public OutputStream farSideOutput() {
        return Channels.newOutputStream(toThisSide.sink());
    }

    private static void closeQuietly(java.nio.channels.Channel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // a pipe end that fails to close is closed enough for a test
        }
    }
}
