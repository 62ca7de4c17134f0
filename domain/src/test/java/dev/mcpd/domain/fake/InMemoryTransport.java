package dev.mcpd.domain.fake;

import dev.mcpd.domain.contract.TransportContract.Peer;
import dev.mcpd.domain.model.Availability;
import dev.mcpd.domain.model.Endpoint;
import dev.mcpd.domain.model.PeerCredentials;
import dev.mcpd.domain.model.TransportKind;
import dev.mcpd.domain.port.Connection;
import dev.mcpd.domain.port.ConnectionHandler;
import dev.mcpd.domain.port.Transport;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** A {@link Transport} over in-process pipes, for tests of code that serves connections. */
public final class InMemoryTransport implements Transport {

    private final Endpoint endpoint;
    private final Set<PipeConnection> open = ConcurrentHashMap.newKeySet();
    private volatile ConnectionHandler handler;
    private volatile boolean accepting;
    private volatile String lost;

    public InMemoryTransport(String name) {
        this.endpoint = new Endpoint(TransportKind.IN_MEMORY, name);
    }

    @Override
    public TransportKind kind() {
        return TransportKind.IN_MEMORY;
    }

    @Override
    public Availability availability() {
        return Availability.available();
    }

    @Override
    public synchronized Endpoint start(ConnectionHandler handler) {
        if (this.handler != null) {
            throw new IllegalStateException("already started");
        }
        this.handler = handler;
        this.accepting = true;
        return endpoint;
    }

    /**
     * Makes {@link #endpointProblem()} report that this endpoint was taken away (as a removed socket file would),
     * for tests of the daemon's endpoint-lost policy (B-L6).
     */
    public void loseEndpoint(String why) {
        lost = why;
    }

    @Override
    public Optional<String> endpointProblem() {
        String why = lost;
        return handler == null || why == null ? Optional.empty() : Optional.of(endpoint + ": " + why);
    }

    /** Connects a client, as a socket connect would. */
    public Peer connect() throws IOException {
        if (!accepting) {
            throw new ConnectException("nothing listens on " + endpoint);
        }
        Pipe up = Pipe.open();
        Pipe down = Pipe.open();
        PipeConnection server = new PipeConnection(up.source(), down.sink());
        open.add(server);
        Thread.ofVirtual().name("memory-connection").start(() -> {
            try {
                handler.handle(server);
            } finally {
                server.close();
            }
        });
        return new Peer(Channels.newInputStream(down.source()), Channels.newOutputStream(up.sink()), () -> {
            down.source().close();
            up.sink().close();
        });
    }

    @Override
    public int openConnections() {
        return open.size();
    }

    @Override
    public void requestStop() {
        accepting = false;
    }

    @Override
    public void requestForcefulStop() {
        accepting = false;
        open.forEach(PipeConnection::close);
    }

    @Override
    public void close() {
        requestForcefulStop();
    }

    private final class PipeConnection implements Connection {
        private final Pipe.SourceChannel source;
        private final Pipe.SinkChannel sink;
        private final InputStream in;
        private final OutputStream out;
        private volatile boolean closed;

        PipeConnection(Pipe.SourceChannel source, Pipe.SinkChannel sink) {
            this.source = source;
            this.sink = sink;
            this.in = Channels.newInputStream(source);
            this.out = Channels.newOutputStream(sink);
        }

        @Override
        public Endpoint endpoint() {
            return endpoint;
        }

        @Override
        public PeerCredentials peer() {
            return new PeerCredentials(PeerCredentials.UNKNOWN, ProcessHandle.current().pid());
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
            try {
                source.close();
            } catch (IOException ignored) {
                // closing a pipe end cannot fail in a way we could act on
            }
            try {
                sink.close();
            } catch (IOException ignored) {
                // as above
            }
            open.remove(this);
        }
    }
}
