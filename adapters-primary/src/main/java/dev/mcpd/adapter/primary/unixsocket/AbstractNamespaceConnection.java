package dev.mcpd.adapter.primary.unixsocket;

import dev.mcpd.domain.model.Endpoint;
import dev.mcpd.domain.model.PeerCredentials;
import dev.mcpd.domain.port.Connection;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;

/**
 * A client connection to a socket in Linux's abstract namespace ({@code unix://@name}, B-T2), through junixsocket:
 * the JDK's {@code UnixDomainSocketAddress} takes file paths only.
 */
final class AbstractNamespaceConnection implements Connection {

    private final Endpoint endpoint;
    private final AFUNIXSocket socket;
    private final InputStream in;
    private final OutputStream out;

    private AbstractNamespaceConnection(Endpoint endpoint, AFUNIXSocket socket) throws IOException {
        this.endpoint = endpoint;
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
    }

    static Connection connect(Endpoint endpoint) throws IOException {
        String name = endpoint.address().substring(UnixSocketTransport.ABSTRACT_PREFIX.length());
        AFUNIXSocket socket = AFUNIXSocket.connectTo(AFUNIXSocketAddress.inAbstractNamespace(name));
        try {
            return new AbstractNamespaceConnection(endpoint, socket);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /** Half-closes: no more bytes to the peer, which then reads end of stream. */
    void shutdownOutput() throws IOException {
        out.flush();
        socket.getChannel().shutdownOutput();
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
