package dev.mcpd.adapter.primary.connection;

import static java.util.Objects.requireNonNull;

import dev.mcpd.domain.model.Endpoint;
import dev.mcpd.domain.model.PeerCredentials;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.Optional;

/**
 * The proxy's side of a connection over a {@link Socket}: TCP (plain or TLS) and junixsocket's Unix
 * sockets in the abstract namespace. Output is buffered (64 KiB); callers flush after each line (B-W1). The peer is
 * the daemon, whose credentials a client does not read ({@link PeerCredentials#unknown()}).
 */
public final class ClientSocketConnection extends StreamConnection {

    private final Socket socket;
    private final Optional<String> remoteAddress;

    /**
     * @param endpoint the endpoint connected to
     * @param socket a connected socket; this connection owns it
     * @param remoteAddress the peer's network address for logs, where it has one
     * @throws IOException if the socket's streams cannot be had (it is closed then)
     */
    public ClientSocketConnection(Endpoint endpoint, Socket socket, Optional<String> remoteAddress) throws IOException {
        requireNonNull(socket, "socket is null");
        InputStream in;
        OutputStream out;
        try {
            in = socket.getInputStream();
            out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
        } catch (IOException e) {
            closeQuietly(socket);
            throw e;
        }
        super(endpoint, PeerCredentials.unknown(), in, out, UNTRACKED);
        this.socket = socket;
        this.remoteAddress = requireNonNull(remoteAddress, "remoteAddress is null");
    }

    /** The socket, for reading its options back (keepalive, TLS session) in tests and diagnostics. */
    public Socket socket() {
        return socket;
    }

    /** Half-closes: flushes, then sends no more (the daemon reads end of stream and still answers). */
    public void shutdownOutput() throws IOException {
        output().flush();
        if (socket.getChannel() != null) {
            socket.getChannel().shutdownOutput();
        } else {
            socket.shutdownOutput();
        }
    }

    @Override
    public Optional<String> remoteAddress() {
        return remoteAddress;
    }

    @Override
    protected boolean transportOpen() {
        return !socket.isClosed();
    }

    @Override
    protected void closeTransport() {
        closeQuietly(socket);
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // nothing to do: close never waits for the peer (B-C1)
        }
    }
}
