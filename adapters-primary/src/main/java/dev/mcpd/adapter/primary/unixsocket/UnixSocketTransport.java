package dev.mcpd.adapter.primary.unixsocket;

import static java.util.Objects.requireNonNull;

import dev.mcpd.adapter.primary.connection.ConnectionThreads;
import dev.mcpd.adapter.primary.connection.OpenConnections;
import dev.mcpd.domain.model.Availability;
import dev.mcpd.domain.model.Endpoint;
import dev.mcpd.domain.model.PeerCredentials;
import dev.mcpd.domain.model.TransportKind;
import dev.mcpd.domain.port.ConnectionHandler;
import dev.mcpd.domain.port.Transport;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.newsclub.net.unix.AFUNIXServerSocket;
import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's Unix domain socket transport on junixsocket, which reads the kernel's peer credentials
 * ({@code SO_PEERCRED}: uid and pid) at accept (B-L2; ADR 0004).
 *
 * <p>Invariants, beyond {@link Transport}'s:
 * <ol>
 *   <li>B-T2 the socket file is mode 0600 (in a 0700 directory); a peer of another uid is closed at accept.
 *   <li>B-C1 a connection closes without lingering: {@code SO_LINGER} is off and close never waits for the peer
 *       ({@link UnixSocketConnection}).
 *   <li>The socket file is removed by {@link #requestStop()}; only its owner (the lock holder) runs this, and only
 *       the file this transport bound is removed (B-S5, {@link OwnedSocketFile}).
 *   <li>B-T2 a path too long for {@code sun_path} falls back to a short path beside the state dir, else on Linux to
 *       the abstract namespace ({@link UnixBindTarget}). {@link #start} returns the endpoint actually bound, which
 *       the daemon announces in {@code daemon.json}.
 *   <li>B-C4, B-M8 socket I/O never runs on a virtual thread: it is handed to platform threads
 *       ({@link UnixSocketConnection}).
 * </ol>
 */
public final class UnixSocketTransport implements Transport {

    private static final Logger log = LoggerFactory.getLogger(UnixSocketTransport.class);

    /** How an endpoint address names a socket in Linux's abstract namespace: {@code unix://@name}. */
    public static final String ABSTRACT_PREFIX = "@";

    private final Path socketPath;
    /** The socket file bound (the configured path or its short fallback); null in the abstract namespace. */
    private OwnedSocketFile boundFile;
    private AFUNIXSocketAddress boundAddress;
    private Endpoint boundEndpoint;
    private final OpenConnections open = new OpenConnections("unix-connection");
    private volatile AFUNIXServerSocket server;
    private volatile boolean stopping;
    private Thread acceptThread;
    private long ownUid = PeerCredentials.UNKNOWN;

    /** @param socketPath where to bind; its directory must exist and be private */
    public UnixSocketTransport(Path socketPath) {
        this.socketPath = requireNonNull(socketPath, "socketPath is null");
    }

    @Override
    public Availability availability() {
        if (!AFUNIXSocket.isSupported()) {
            return Availability.unavailable("junixsocket has no native library for this platform");
        }
        return UnixBindTarget.unavailable(socketPath).map(Availability::unavailable).orElse(Availability.available());
    }

    @Override
    public TransportKind kind() {
        return TransportKind.UNIX_SOCKET;
    }

    /**
     * The socket file this transport bound is gone or is another file now, so proxies cannot reach this daemon there
     * any more (B-L6, {@link OwnedSocketFile#problem()}). An abstract name cannot be taken away while bound, so it has
     * nothing to check.
     */
    @Override
    public Optional<String> endpointProblem() {
        OwnedSocketFile file;
        synchronized (this) {
            file = boundFile;
        }
        if (file == null || stopping) {
            return Optional.empty();
        }
        return file.problem();
    }

    @Override
    public int openConnections() {
        return open.count();
    }

    @Override
    public synchronized Endpoint start(ConnectionHandler handler) throws IOException {
        if (server != null) {
            throw new IllegalStateException("already started");
        }
        AFUNIXServerSocket socket = AFUNIXServerSocket.newInstance();
        socket.setReuseAddress(true);
        UnixBindTarget target;
        try {
            target = UnixBindTarget.choose(socketPath);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
        boundAddress = target.address();
        socket.bind(boundAddress, 128);
        switch (target) {
            case UnixBindTarget.File file -> {
                boundFile = OwnedSocketFile.claim(file.path());
                ownUid = boundFile.ownerUid();
                boundEndpoint = new Endpoint(TransportKind.UNIX_SOCKET, file.path().toString());
            }
            case UnixBindTarget.Abstract name -> {
                ownUid = ((Number) Files.getAttribute(socketPath.getParent(), "unix:uid")).longValue();
                boundEndpoint = new Endpoint(TransportKind.UNIX_SOCKET, ABSTRACT_PREFIX + name.name());
            }
        }
        if (!(target instanceof UnixBindTarget.File file && file.path() == socketPath)) {
            log.info("socket path {} is longer than sun_path allows ({} bytes); listening on {} instead (B-T2)",
                    socketPath, UnixBindTarget.SUN_PATH_MAX, boundEndpoint);
        }
        server = socket;
        acceptThread = Thread.ofPlatform().name("unix-accept").daemon().start(() -> acceptLoop(socket, handler));
        return boundEndpoint;
    }

    private void acceptLoop(AFUNIXServerSocket socket, ConnectionHandler handler) {
        while (!stopping) {
            AFUNIXSocket accepted;
            try {
                accepted = socket.accept();
            } catch (IOException e) {
                if (!stopping) {
                    // e.g. out of file descriptors: say so and back off rather than spin
                    log.warn("accept on {} failed: {}", boundEndpoint, e.toString());
                    ConnectionThreads.pauseAfterFailure();
                }
                continue;
            }
            if (stopping) {
                closeQuietly(accepted); // the wake-up connection of requestStop, or a client just too late
                break;
            }
            serve(accepted, handler);
        }
    }

    private void serve(AFUNIXSocket accepted, ConnectionHandler handler) {
        PeerCredentials peer = UnixSocketConnection.credentials(accepted);
        if (peer.hasUid() && ownUid >= 0 && peer.uid() != ownUid) {
            log.warn("refused a peer of uid {} (pid {}): this daemon serves uid {} only (B-T2)", peer.uid(), peer.pid(), ownUid);
            closeQuietly(accepted);
            return;
        }
        UnixSocketConnection connection;
        try {
            connection = new UnixSocketConnection(accepted, boundEndpoint, peer, open::remove);
        } catch (IOException e) {
            log.warn("could not set up an accepted connection: {}", e.toString());
            closeQuietly(accepted);
            return;
        }
        open.serve(connection, handler, () -> stopping, () -> {});
    }

    @Override
    public synchronized void requestStop() {
        stopping = true;
        AFUNIXServerSocket socket = server;
        if (socket != null) {
            wakeAcceptLoop();
            closeQuietly(socket);
            if (boundFile != null) {
                boundFile.removeIfStillOurs();
            }
        }
    }

    /**
     * Lets a blocked {@code accept} return on its own before the server socket closes: when a close unblocks it,
     * junixsocket 2.11 leaves the socket it accepted into open, one descriptor lost per stop. Bounded: a wake-up
     * that fails or an accept loop that does not end within 100 ms is left to the close.
     */
    private void wakeAcceptLoop() {
        Thread loop = acceptThread;
        if (loop == null || !loop.isAlive()) {
            return;
        }
        try (AFUNIXSocket wake = AFUNIXSocket.connectTo(boundAddress)) {
            loop.join(Duration.ofMillis(100));
        } catch (IOException e) {
            log.debug("could not wake the accept loop of {}: {}", boundEndpoint, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        requestForcefulStop();
    }

    @Override
    public void requestForcefulStop() {
        requestStop();
        open.closeAll();
    }

    private static void closeQuietly(Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException e) {
            // closing never waits and a failure leaves nothing to act on
        }
    }
}
