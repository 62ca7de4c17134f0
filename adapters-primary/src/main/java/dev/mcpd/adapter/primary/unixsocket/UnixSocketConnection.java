package dev.mcpd.adapter.primary.unixsocket;

import dev.mcpd.adapter.primary.connection.PlatformThreadIo;
import dev.mcpd.adapter.primary.connection.StreamConnection;
import dev.mcpd.domain.model.Endpoint;
import dev.mcpd.domain.model.PeerCredentials;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.util.function.Consumer;
import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketCredentials;

/**
 * One connection the daemon accepted on its Unix socket (junixsocket).
 *
 * <p>Invariants, beyond {@link StreamConnection}'s:
 * <ol>
 *   <li>B-C1 it closes without lingering: {@code SO_LINGER} is off and close never waits for the peer.
 *   <li>B-L2 {@link #peer()} is the kernel's {@code SO_PEERCRED} (uid and pid), read at accept.
 *   <li>B-C4, B-M8 socket I/O never runs on a virtual thread. junixsocket 2.11 parks a virtual thread blocked on a
 *       socket by polling its fd on a shared pool of one thread per CPU, and each poll holds its pool thread until
 *       the fd is ready: as many idle or stuck peers as CPUs would starve every other connection. So a read or write
 *       from a virtual thread is handed to a platform thread ({@link #PLATFORM_THREADS}), which blocks in the kernel
 *       on its own. An interrupted read or write closes the connection before the caller gets its
 *       {@code InterruptedIOException} (B-W1, review finding 6).
 *   <li>Output is buffered (64 KiB); callers flush after each line (B-W1).
 * </ol>
 */
final class UnixSocketConnection extends StreamConnection {

    /** Platform threads for socket I/O requested from virtual threads (invariant 3); one per blocked call. */
    static final PlatformThreadIo PLATFORM_THREADS = new PlatformThreadIo("unix-io-", "socket I/O");

    private final AFUNIXSocket socket;

    /**
     * @param socket the accepted socket, now owned by this connection
     * @param endpoint the endpoint it was accepted on
     * @param peer the kernel's view of the peer ({@link #credentials})
     * @param onClose told once, with this connection, when it closes
     * @throws IOException if the socket cannot be set up (the caller closes it)
     */
    UnixSocketConnection(AFUNIXSocket socket, Endpoint endpoint, PeerCredentials peer,
            Consumer<? super StreamConnection> onClose) throws IOException {
        socket.setSoLinger(false, 0);
        var socketIn = socket.getInputStream();
        var socketOut = socket.getOutputStream();
        super(endpoint, peer, abandon -> PLATFORM_THREADS.input(socketIn, abandon),
                abandon -> new BufferedOutputStream(PLATFORM_THREADS.output(socketOut, abandon), 64 * 1024), onClose);
        this.socket = socket;
    }

    /** The peer's uid and pid from the kernel ({@code SO_PEERCRED}); unknown when the kernel does not say. */
    static PeerCredentials credentials(AFUNIXSocket socket) {
        try {
            AFUNIXSocketCredentials creds = socket.getPeerCredentials();
            return new PeerCredentials(creds.getUid(), creds.getPid());
        } catch (IOException | RuntimeException e) {
            return PeerCredentials.unknown();
        }
    }

    @Override
    protected boolean transportOpen() {
        return !socket.isClosed();
    }

    @Override
    protected void closeTransport() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing never waits and a failure leaves nothing to act on
        }
    }
}
