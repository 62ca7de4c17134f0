package dev.mcpd.adapter.primary.namedpipe;

import static java.util.Objects.requireNonNull;

import dev.mcpd.adapter.primary.connection.ConnectionThreads;
import dev.mcpd.adapter.primary.connection.OpenConnections;
import dev.mcpd.domain.model.Availability;
import dev.mcpd.domain.model.Endpoint;
import dev.mcpd.domain.model.PeerCredentials;
import dev.mcpd.domain.model.TransportKind;
import dev.mcpd.domain.port.ConnectionHandler;
import dev.mcpd.domain.port.Transport;
import java.io.IOException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's Windows named pipe transport (B-T1, B-T2, B-L2; ADR 0008), over a {@link PipeApi}:
 * {@link Kernel32PipeApi} on Windows, a fake in tests elsewhere.
 *
 * <p>Invariants, beyond {@link Transport}'s:
 * <ol>
 *   <li>B-T2 the first instance is created with {@code FILE_FLAG_FIRST_PIPE_INSTANCE}: if any process already has
 *       the name (a second daemon, a squatter), {@link #start} fails with {@link PipeNameTakenException} and this
 *       daemon never serves on it. Instances refuse remote clients ({@code PIPE_REJECT_REMOTE_CLIENTS}).
 *   <li>B-T2 from start to {@link #requestStop()} exactly one instance waits for the next client: when a client
 *       connects, the next instance is created before the connected one is handed to its handler, so the name never
 *       lapses while this daemon runs and nobody can create a first instance of it.
 *   <li>B-L2 each connection's {@link PeerCredentials} carry the client's pid from
 *       {@code GetNamedPipeClientProcessId}; the uid is {@link PeerCredentials#UNKNOWN} (Windows has SIDs, and the
 *       default DACL of the daemon's user already decides who may open the pipe for writing).
 *   <li>B-C1, B-C2 closing a connection or the listening instance is {@code CancelIoEx} then {@code CloseHandle}
 *       ({@link PipeChannel}): at once, no {@code FlushFileBuffers}, no {@code DisconnectNamedPipe}; the peer still
 *       reads what was written, then end of stream.
 *   <li>The accept loop runs on one platform thread; each connection's handler on its own virtual thread, whose
 *       blocking pipe calls are handed to platform threads ({@link PipeChannel#PLATFORM_THREADS}).
 *   <li>After {@link #requestStop()} a new client gets {@code ERROR_PIPE_BUSY} while live connections keep the name,
 *       then {@code ERROR_FILE_NOT_FOUND} once every end of every instance closed (a proxy still holding its end
 *       keeps the name). The waiting instance is closed as soon as its cancelled {@code ConnectNamedPipe} returns; a
 *       client that opens it in that moment reads end of stream.
 * </ol>
 *
 * <p>A pipe close by a peer is not always delivered on Windows (a peer frozen or killed while its handle is
 * inherited by a child keeps the instance open). That is why mcpd does not rely on it: the liveness sweep drops a
 * client whose proxy or host process is gone (B-L3) and the inactivity backstop covers the rest (B-L5).
 */
public final class NamedPipeTransport implements Transport {

    private static final Logger log = LoggerFactory.getLogger(NamedPipeTransport.class);

    /** How often a refused first instance is tried again within the claim window. */
    private static final Duration CLAIM_RETRY = Duration.ofMillis(50);

    private final PipeApi api;
    private final String pipeName;
    private final Duration claimWindow;
    private final Endpoint endpoint;
    private final OpenConnections open = new OpenConnections("pipe-connection");
    /** The instance waiting for the next client; replaced on each connect (invariant 2). */
    private volatile PipeChannel listener;
    private volatile boolean started;
    private volatile boolean stopping;

    /**
     * @param api the pipe calls
     * @param pipeName the name to serve on, see {@link PipeName#forStateDir}
     * @throws IllegalArgumentException if {@code pipeName} is not a valid local pipe name
     */
    public NamedPipeTransport(PipeApi api, String pipeName) {
        this(api, pipeName, Duration.ZERO);
    }

    /**
     * @param claimWindow how long {@link #start} keeps trying when the first instance is refused: on Windows a
     *     pipe name stays in use while any client still holds its end, so the proxies of a daemon that just died
     *     hold the name until they notice, which takes them milliseconds; zero = refuse at once
     */
    public NamedPipeTransport(PipeApi api, String pipeName, Duration claimWindow) {
        this.api = requireNonNull(api, "api is null");
        this.pipeName = PipeName.requireValid(pipeName);
        this.claimWindow = requireNonNull(claimWindow, "claimWindow is null");
        this.endpoint = new Endpoint(TransportKind.NAMED_PIPE, pipeName);
    }

    @Override
    public Availability availability() {
        return api.availability();
    }

    @Override
    public TransportKind kind() {
        return TransportKind.NAMED_PIPE;
    }

    /**
     * Creates the first instance and starts accepting.
     *
     * @return {@code pipe://\\.\pipe\...}
     * @throws PipeNameTakenException if another process has the name (invariant 1)
     * @throws IOException if the instance cannot be created
     * @throws IllegalStateException if already started
     */
    @Override
    public synchronized Endpoint start(ConnectionHandler handler) throws IOException {
        requireNonNull(handler, "handler is null");
        if (started) {
            throw new IllegalStateException("already started");
        }
        PipeChannel first = new PipeChannel(api, claimFirstInstance(), pipeName);
        started = true;
        listener = first;
        Thread.ofPlatform().name("pipe-accept").daemon().start(() -> acceptLoop(first, handler));
        return endpoint;
    }

    /** The first instance, tried again within {@link #claimWindow} while another holder of the name lets go. */
    private PipeHandle claimFirstInstance() throws IOException {
        long deadline = System.nanoTime() + claimWindow.toNanos();
        while (true) {
            try {
                return api.createInstance(pipeName, true);
            } catch (PipeNameTakenException e) {
                if (System.nanoTime() + CLAIM_RETRY.toNanos() > deadline) {
                    throw e;
                }
                log.debug("{} is still held (the clients of a previous daemon?); trying again", pipeName);
                try {
                    Thread.sleep(CLAIM_RETRY);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private void acceptLoop(PipeChannel first, ConnectionHandler handler) {
        PipeChannel waiting = first;
        while (!stopping) {
            try {
                waiting.awaitClient();
            } catch (IOException e) {
                if (!stopping) {
                    boolean clientLeftEarly = e instanceof PipeException pipe
                            && pipe.errorCode() == Win32Error.ERROR_NO_DATA;
                    if (clientLeftEarly) {
                        log.debug("a client of {} left before it was accepted", pipeName);
                    } else {
                        log.warn("waiting for a client on {} failed: {}", pipeName, e.toString());
                    }
                    waiting = replace(waiting, !clientLeftEarly);
                }
                continue;
            }
            PipeChannel connected = waiting;
            waiting = nextInstance(); // before anything else: the name must not lapse (invariant 2)
            if (waiting == null) {
                connected.close();
                return;
            }
            serve(connected, handler);
        }
        waiting.close();
    }

    /** Creates the next waiting instance, retrying while this daemon runs; null once stopping. */
    private PipeChannel nextInstance() {
        while (!stopping) {
            try {
                PipeChannel next = new PipeChannel(api, api.createInstance(pipeName, false), pipeName);
                listener = next;
                if (stopping) {
                    next.close(); // requestStop ran between the create and the publish
                    return null;
                }
                return next;
            } catch (IOException e) {
                // e.g. the instance limit: the connected instances keep the name meanwhile
                log.warn("could not create the next instance of {}: {}", pipeName, e.toString());
                ConnectionThreads.pauseAfterFailure();
            }
        }
        return null;
    }

    /**
     * Replaces a waiting instance that failed; the new one exists before the old one closes (invariant 2).
     *
     * @param backOff pause before waiting again, so that a failure that persists does not spin the accept thread
     */
    private PipeChannel replace(PipeChannel failed, boolean backOff) {
        PipeChannel next = nextInstance();
        failed.close();
        if (backOff) {
            ConnectionThreads.pauseAfterFailure();
        }
        return next == null ? failed : next;
    }

    private void serve(PipeChannel connected, ConnectionHandler handler) {
        PeerCredentials peer = PeerCredentials.unknown();
        try {
            peer = new PeerCredentials(PeerCredentials.UNKNOWN, connected.clientProcessId());
        } catch (IOException e) {
            log.warn("GetNamedPipeClientProcessId on {} failed; the client's pid is unknown: {}", pipeName, e.toString());
        }
        PipeConnection connection = new PipeConnection(endpoint, peer, connected, open::remove);
        open.serve(connection, handler, () -> stopping, () -> {});
    }

    @Override
    public int openConnections() {
        return open.count();
    }

    @Override
    public void requestStop() {
        stopping = true;
        PipeChannel waiting = listener;
        if (waiting != null) {
            waiting.close();
        }
    }

    @Override
    public void requestForcefulStop() {
        requestStop();
        open.closeAll();
    }

    @Override
    public void close() {
        requestForcefulStop();
    }
}
