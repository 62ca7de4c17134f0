package dev.mcpd.adapter.primary.socket;

import static java.util.Objects.requireNonNull;

import dev.mcpd.domain.model.Endpoint;
import dev.mcpd.domain.model.PeerCredentials;
import dev.mcpd.domain.port.Connection;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.Optional;

/**
 * The proxy's side of a connection over a {@link java.net.Socket}: TCP (plain or TLS) and junixsocket's Unix
 * sockets in the abstract namespace. Output is buffered (64 KiB); callers flush after each line (B-W1). The peer is
 * the daemon, whose credentials a client does not read ({@link PeerCredentials#unknown()}).
 */
public final class ClientSocketConnection implements Connection {

    private final Endpoint endpoint;
    private final Socket socket;
    private final Optional<String> remoteAddress;
    private final InputStream in;
    private final OutputStream out;

    /**
     * @param endpoint the endpoint connected to
     * @param socket a connected socket; this connection owns it
     * @param remoteAddress the peer's network address for logs, where it has one
     * @throws IOException if the socket's streams cannot be had (it is closed then)
     */
    public ClientSocketConnection(Endpoint endpoint, Socket socket, Optional<String> remoteAddress) throws IOException {
        this.endpoint = requireNonNull(endpoint, "endpoint is null");
        this.socket = requireNonNull(socket, "socket is null");
        this.remoteAddress = requireNonNull(remoteAddress, "remoteAddress is null");
        try {
            this.in = socket.getInputStream();
            this.out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
        } catch (IOException e) {
            close();
            throw e;
        }
    }

    /** The socket, for reading its options back (keepalive, TLS session) in tests and diagnostics. */
    public Socket socket() {
        return socket;
    }

    /** Half-closes: flushes, then sends no more (the daemon reads end of stream and still answers). */
    public void shutdownOutput() throws IOException {
        out.flush();
        if (socket.getChannel() != null) {
            socket.getChannel().shutdownOutput();
        } else {
            socket.shutdownOutput();
        }
    }

    @Override
    public Endpoint endpoint() {
        return endpoint;
    }

    @Override
    public PeerCredentials peer() {
        return PeerCredentials.unknown();
    }

    @Override
    public Optional<String> remoteAddress() {
        return remoteAddress;
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
        return !socket.isClosed();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // nothing to do: close never waits for the peer (B-C1)
        }
    }
}
