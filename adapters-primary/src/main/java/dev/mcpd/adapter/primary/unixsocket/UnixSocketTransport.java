package dev.mcpd.adapter.primary.unixsocket;

import static java.util.Objects.requireNonNull;

import dev.mcpd.adapter.primary.socket.ConnectionThreads;
import dev.mcpd.domain.model.Availability;
import dev.mcpd.domain.model.Endpoint;
import dev.mcpd.domain.model.PeerCredentials;
import dev.mcpd.domain.model.TransportKind;
import dev.mcpd.domain.port.Connection;
import dev.mcpd.domain.port.ConnectionHandler;
import dev.mcpd.domain.port.Transport;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.io.InterruptedIOException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.newsclub.net.unix.AFUNIXServerSocket;
import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import org.newsclub.net.unix.AFUNIXSocketCredentials;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's Unix domain socket transport on junixsocket, which reads the kernel's peer credentials
 * ({@code SO_PEERCRED}: uid and pid) at accept (B-L2; ADR 0004).
 *
 * <p>Invariants, beyond {@link Transport}'s:
 * <ol>
 *   <li>B-T2 the socket file is mode 0600 (in a 0700 directory); a peer of another uid is closed at accept.
 *   <li>B-C1 a connection closes without lingering: {@code SO_LINGER} is off and close never waits for the peer.
 *   <li>The socket file is removed by {@link #requestStop()}; only its owner (the lock holder) runs this (B-S5).
 *   <li>B-T2 a path too long for {@code sun_path} (107 bytes) falls back to a short path beside the state dir
 *       ({@code <parent>/mcpd-<hash>.sock}, mode 0600; the hash is SHA-256 of the state dir's path, and a file
 *       there that is not a stale socket of ours is never replaced), else on Linux to the abstract namespace under a name drawn
 *       at random per start ({@code @mcpd-<hex>}: no file, so no mode; the peer uid check is the gate, and a random
 *       name cannot be squatted in advance). {@link #start} returns the endpoint actually bound, which the daemon
 *       announces in {@code daemon.json}.
 *   <li>B-C4, B-M8 socket I/O never runs on a virtual thread. junixsocket 2.11 parks a virtual thread blocked on a
 *       socket by polling its fd on a shared pool of one thread per CPU, and each poll holds its pool thread until
 *       the fd is ready: as many idle or stuck peers as CPUs would starve every other connection. So a read or write
 *       from a virtual thread is handed to a platform thread, which blocks in the kernel on its own.
 * </ol>
 */
public final class UnixSocketTransport implements Transport {

    private static final Logger log = LoggerFactory.getLogger(UnixSocketTransport.class);

    /** Platform threads for socket I/O requested from virtual threads (invariant 4); one per blocked call. */
    private static final ExecutorService BLOCKING_IO =
            Executors.newCachedThreadPool(Thread.ofPlatform().name("unix-io-", 0).daemon().factory());

    /** The longest path {@code sun_path} holds on Linux, in bytes (108 with the terminating NUL). */
    static final int SUN_PATH_MAX = 107;

    private final Path socketPath;
    /** The file actually bound ({@link #socketPath} or its short fallback), or null in the abstract namespace. */
    private Path boundFile;
    private AFUNIXSocketAddress boundAddress;
    private Endpoint boundEndpoint;
    private final Set<SocketConnection> open = ConcurrentHashMap.newKeySet();
    private volatile AFUNIXServerSocket server;
    private volatile boolean stopping;
    private Thread acceptThread;
    private long ownUid = PeerCredentials.UNKNOWN;
    /** The inode of the socket file this transport created: only that file is removed on stop (B-S5). */
    private Object socketFileKey;

    /** @param socketPath where to bind; its directory must exist and be private */
    public UnixSocketTransport(Path socketPath) {
        this.socketPath = requireNonNull(socketPath, "socketPath is null");
    }

    @Override
    public TransportKind kind() {
        return TransportKind.UNIX_SOCKET;
    }

    @Override
    public Availability availability() {
        if (!AFUNIXSocket.isSupported()) {
            return Availability.unavailable("junixsocket has no native library for this platform");
        }
        if (!fits(socketPath) && shortFallback() == null && !isLinux()) {
            return Availability.unavailable("socket path " + socketPath + " is longer than sun_path allows ("
                    + SUN_PATH_MAX + " bytes), and so is the fallback beside it; set MCPD_STATE_DIR to a shorter directory");
        }
        return Availability.available();
    }

    @Override
    public synchronized Endpoint start(ConnectionHandler handler) throws IOException {
        if (server != null) {
            throw new IllegalStateException("already started");
        }
        AFUNIXServerSocket socket = AFUNIXServerSocket.newInstance();
        socket.setReuseAddress(true);
        Path file = fits(socketPath) ? socketPath : shortFallback();
        if (file != null && file != socketPath) {
            // The short path lies in a directory we may share with other users (e.g. /tmp): never let the bind unlink
            // what is not a stale socket of ours (review finding 22).
            String refused = foreignFileAt(file);
            if (refused != null) {
                log.warn("not binding the short fallback {}: {} (B-T2)", file, refused);
                if (!isLinux()) {
                    socket.close();
                    throw new IOException("socket path " + socketPath + " is longer than sun_path allows (" + SUN_PATH_MAX
                            + " bytes) and its short fallback " + file + " is taken: " + refused
                            + "; set MCPD_STATE_DIR to a shorter directory");
                }
                file = null;
            }
        }
        if (file != null) {
            boundAddress = AFUNIXSocketAddress.of(file.toFile());
            socket.bind(boundAddress, 128);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            socketFileKey = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
            ownUid = ((Number) Files.getAttribute(file, "unix:uid", LinkOption.NOFOLLOW_LINKS)).longValue();
            boundFile = file;
            boundEndpoint = new Endpoint(TransportKind.UNIX_SOCKET, file.toString());
        } else if (isLinux()) {
            byte[] random = new byte[8];
            new java.security.SecureRandom().nextBytes(random);
            String name = "mcpd-" + java.util.HexFormat.of().formatHex(random);
            boundAddress = AFUNIXSocketAddress.inAbstractNamespace(name);
            socket.bind(boundAddress, 128);
            ownUid = ((Number) Files.getAttribute(socketPath.getParent(), "unix:uid")).longValue();
            boundEndpoint = new Endpoint(TransportKind.UNIX_SOCKET, ABSTRACT_PREFIX + name);
        } else {
            socket.close();
            throw new IOException(availability().reason());
        }
        if (file != socketPath) {
            log.info("socket path {} is longer than sun_path allows ({} bytes); listening on {} instead (B-T2)",
                    socketPath, SUN_PATH_MAX, boundEndpoint);
        }
        server = socket;
        acceptThread = Thread.ofPlatform().name("unix-accept").daemon().start(() -> acceptLoop(socket, handler));
        return boundEndpoint;
    }

    /**
     * Why the file at {@code path} must not be replaced by our socket: it is not a socket, or not one of our uid (the
     * uid that owns the state dir); null when nothing is there or it is a stale socket of ours, which the bind
     * replaces. A stale socket of ours there can only be this scope's: the name is a hash of the state dir's path,
     * and we hold the scope's lock.
     */
    private String foreignFileAt(Path path) throws IOException {
        Map<String, Object> attributes;
        try {
            attributes = Files.readAttributes(path, "unix:mode,uid", LinkOption.NOFOLLOW_LINKS);
        } catch (java.nio.file.NoSuchFileException e) {
            return null;
        }
        int mode = ((Number) attributes.get("mode")).intValue();
        long owner = ((Number) attributes.get("uid")).longValue();
        long ours = ((Number) Files.getAttribute(socketPath.getParent(), "unix:uid")).longValue();
        if ((mode & S_IFMT) != S_IFSOCK) {
            return "it exists and is not a socket";
        }
        if (owner != ours) {
            return "it is a socket of uid " + owner + ", not of uid " + ours;
        }
        return null;
    }

    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;

    /**
     * The socket file this transport bound is gone or is another file now (another inode: removed and re-created,
     * e.g. by a second daemon started after someone deleted the state dir), so proxies cannot reach this daemon
     * there any more (B-L6). An abstract name cannot be taken away while bound, so it has nothing to check.
     */
    @Override
    public Optional<String> endpointProblem() {
        Path file;
        Object key;
        synchronized (this) {
            file = boundFile;
            key = socketFileKey;
        }
        if (file == null || stopping) {
            return Optional.empty();
        }
        try {
            Object current = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
            return current != null && current.equals(key) ? Optional.empty()
                    : Optional.of(file + " is no longer the socket this daemon bound (replaced by another file)");
        } catch (java.nio.file.NoSuchFileException e) {
            return Optional.of(file + " was removed");
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // cannot tell (e.g. a transient permission error): never expire on a guess
        }
    }

    /** How an endpoint address names a socket in Linux's abstract namespace: {@code unix://@name}. */
    public static final String ABSTRACT_PREFIX = "@";

    private static boolean fits(Path path) {
        return path.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= SUN_PATH_MAX;
    }

    /**
     * {@code <state dir's parent>/mcpd-<hash>.sock} if that fits, else null; the hash is the first 16 hex digits of
     * the SHA-256 of the state dir's absolute path, so two scopes never share a name (review finding 22).
     */
    private Path shortFallback() {
        Path stateDir = socketPath.toAbsolutePath().getParent();
        Path parent = stateDir == null ? null : stateDir.getParent();
        if (parent == null) {
            return null;
        }
        Path candidate = parent.resolve("mcpd-" + shortHash(stateDir.toString()) + ".sock");
        return fits(candidate) ? candidate : null;
    }

    /** The first 64 bits of SHA-256 of {@code text} (UTF-8), in hex. */
    static String shortHash(String text) {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(digest, 0, 8);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static boolean isLinux() {
        return System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux");
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
                    pause();
                }
                continue;
            }
            if (stopping) {
                closeQuietly(accepted); // the wake-up connection of requestStop, or a client just too late
                break;
            }
            PeerCredentials peer = credentials(accepted);
            if (peer.hasUid() && ownUid >= 0 && peer.uid() != ownUid) {
                log.warn("refused a peer of uid {} (pid {}): this daemon serves uid {} only (B-T2)", peer.uid(), peer.pid(), ownUid);
                closeQuietly(accepted);
                continue;
            }
            SocketConnection connection;
            try {
                connection = new SocketConnection(accepted, peer);
            } catch (java.io.UncheckedIOException e) {
                log.warn("could not set up an accepted connection: {}", e.getCause().toString());
                closeQuietly(accepted);
                continue;
            }
            open.add(connection);
            if (stopping) {
                connection.close(); // accepted while a forceful stop was closing the others
                continue;
            }
            ConnectionThreads.serve("unix-connection", handler, connection, () -> {});
        }
    }

    private static void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static PeerCredentials credentials(AFUNIXSocket socket) {
        try {
            AFUNIXSocketCredentials creds = socket.getPeerCredentials();
            return new PeerCredentials(creds.getUid(), creds.getPid());
        } catch (IOException | RuntimeException e) {
            return PeerCredentials.unknown();
        }
    }

    @Override
    public int openConnections() {
        return open.size();
    }

    @Override
    public synchronized void requestStop() {
        stopping = true;
        AFUNIXServerSocket socket = server;
        if (socket != null) {
            wakeAcceptLoop(socket);
            closeQuietly(socket);
            if (boundFile != null) {
                removeOwnSocketFile(boundFile);
            }
        }
    }

    private void removeOwnSocketFile(Path file) {
        try {
            Object current = Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class,
                    java.nio.file.LinkOption.NOFOLLOW_LINKS).fileKey();
            if (current != null && current.equals(socketFileKey)) {
                Files.deleteIfExists(file);
            } else {
                log.warn("{} is no longer the socket this daemon created; leaving it (B-S5)", file);
            }
        } catch (IOException e) {
            log.debug("could not remove {}: {}", file, e.toString());
        }
    }

    /**
     * Lets a blocked {@code accept} return on its own before the server socket closes: when a close unblocks it,
     * junixsocket 2.11 leaves the socket it accepted into open, one descriptor lost per stop. Bounded: a wake-up
     * that fails or an accept loop that does not end within 100 ms is left to the close.
     */
    private void wakeAcceptLoop(AFUNIXServerSocket socket) {
        Thread loop = acceptThread;
        if (loop == null || !loop.isAlive()) {
            return;
        }
        try (AFUNIXSocket wake = AFUNIXSocket.connectTo(boundAddress)) {
            loop.join(java.time.Duration.ofMillis(100));
        } catch (IOException e) {
            log.debug("could not wake the accept loop of {}: {}", boundEndpoint, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void requestForcefulStop() {
        requestStop();
        open.forEach(SocketConnection::close);
    }

    @Override
    public void close() {
        requestForcefulStop();
    }

    private static void closeQuietly(java.io.Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException e) {
            // closing never waits and a failure leaves nothing to act on
        }
    }

    private final class SocketConnection implements Connection {
        private final AFUNIXSocket socket;
        private final PeerCredentials peer;
        private final InputStream in;
        private final OutputStream out;
        private volatile boolean closed;

        SocketConnection(AFUNIXSocket socket, PeerCredentials peer) {
            this.socket = socket;
            this.peer = peer;
            try {
                socket.setSoLinger(false, 0);
                this.in = new PlatformThreadInputStream(socket.getInputStream(), this::close);
                this.out = new BufferedOutputStream(new PlatformThreadOutputStream(socket.getOutputStream(), this::close),
                        64 * 1024);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        @Override
        public Endpoint endpoint() {
            return boundEndpoint;
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
            return !closed && !socket.isClosed();
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            closeQuietly(socket);
            open.remove(this);
        }
    }

    @FunctionalInterface
    private interface BlockingCall<T> {
        T call() throws IOException;
    }

    /**
     * Runs {@code call} here on a platform thread, else on a {@link #BLOCKING_IO} thread while the caller parks.
     * A caller interrupted while parked cannot stop the platform thread's read or write, which goes on: the stream's
     * framing is then unknown, so the connection is closed ({@code abandon}) before the caller gets its
     * {@link InterruptedIOException}; nothing can then follow a torn line, and the platform call ends on the closed
     * socket (B-W1, review finding 6).
     */
    private static <T> T onPlatformThread(BlockingCall<T> call, Runnable abandon) throws IOException {
        if (!Thread.currentThread().isVirtual()) {
            return call.call();
        }
        Future<T> result = BLOCKING_IO.submit(call::call);
        try {
            return result.get();
        } catch (InterruptedException e) {
            abandon.run();
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted during socket I/O; the connection is closed");
        } catch (ExecutionException e) {
            switch (e.getCause()) {
                case IOException io -> throw io;
                case RuntimeException re -> throw re;
                case Error error -> throw error;
                default -> throw new IOException(e.getCause());
            }
        }
    }

    private static final class PlatformThreadInputStream extends InputStream {
        private final InputStream socketIn;
        private final Runnable abandon;

        PlatformThreadInputStream(InputStream socketIn, Runnable abandon) {
            this.socketIn = socketIn;
            this.abandon = abandon;
        }

        @Override
        public int read() throws IOException {
            return onPlatformThread(socketIn::read, abandon);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return onPlatformThread(() -> socketIn.read(b, off, len), abandon);
        }

        @Override
        public int available() throws IOException {
            return socketIn.available();
        }

        @Override
        public void close() throws IOException {
            socketIn.close();
        }
    }

    private static final class PlatformThreadOutputStream extends OutputStream {
        private final OutputStream socketOut;
        private final Runnable abandon;

        PlatformThreadOutputStream(OutputStream socketOut, Runnable abandon) {
            this.socketOut = socketOut;
            this.abandon = abandon;
        }

        @Override
        public void write(int b) throws IOException {
            onPlatformThread(() -> {
                socketOut.write(b);
                return null;
            }, abandon);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            onPlatformThread(() -> {
                socketOut.write(b, off, len);
                return null;
            }, abandon);
        }

        @Override
        public void flush() throws IOException {
            onPlatformThread(() -> {
                socketOut.flush();
                return null;
            }, abandon);
        }

        @Override
        public void close() throws IOException {
            socketOut.close();
        }
    }
}
