package dev.mcpd.application.daemon;

import static java.util.Objects.requireNonNull;

import dev.mcpd.application.admin.AdminEngine;
import dev.mcpd.application.mcp.ServerInfo;
import dev.mcpd.application.mcp.ToolCatalog;
import dev.mcpd.domain.model.DaemonRecord;
import dev.mcpd.domain.model.Endpoint;
import dev.mcpd.domain.model.ExitCode;
import dev.mcpd.domain.model.TransportKind;
import dev.mcpd.domain.port.Engine;
import dev.mcpd.domain.port.EngineFactory;
import dev.mcpd.domain.port.StateDirectory;
import dev.mcpd.domain.port.Transport;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The resident daemon of one scope: takes the scope lock, starts engines and transports, publishes
 * {@code daemon.json}, serves until asked to stop, then shuts down in one ordered path. Its {@link DaemonState} is
 * held by one {@link DaemonStateCoordinator}.
 *
 * <p>Invariants:
 * <ol>
 *   <li>B-S1 a daemon that cannot take the lock returns {@link #EXIT_ALREADY_RUNNING} at once, touching nothing.
 *   <li>B-S2, B-S3 only the lock holder cleans stale files, writes the record and removes it; the lock is released
 *       last.
 *   <li>B-E1 every stop (signal, {@code daemon stop}, {@code daemon_stop}, expiration) takes the same path, the
 *       {@link ShutdownSequence}: stop accepting; let calls in flight finish for a short drain, then answer the rest
 *       with an error; close every connection; close engines in reverse order; remove own files; release the lock.
 *   <li>B-E2 past the grace period remaining engines are abandoned and the exit code is {@link #EXIT_FORCED}.
 *   <li>B-E2 the grace period bounds the whole shutdown, not only the engines (review finding 2, ADR 0010): no step
 *       writes to a client synchronously, and a {@link ShutdownWatchdog} armed when shutdown begins closes every
 *       connection at the deadline and, if the orderly path has still not finished {@link #HALT_MARGIN} later,
 *       records the exit and halts the process with {@link #EXIT_FORCED}. {@link #forceStop} (a second signal) fires
 *       it at once.
 *   <li>B-L6 a predecessor that died without shutting down (SIGKILL, a crash, out of memory) is recorded in the exit
 *       history by the next daemon, with its exit code unknown (review finding 17): {@link PredecessorReaper}.
 *   <li>B-L6, B-L7 expiration policies (idle timer, inactivity backstop, endpoint lost) and the liveness sweep run on
 *       one named thread ({@link LifecycleChecks}); a failing check is logged and runs again; one place acts, and the
 *       reason is logged, appended to the scope's exit history and shown by {@code daemon_status}.
 * </ol>
 */
public final class Daemon {

    /** Orderly exit. */
    public static final int EXIT_OK = ExitCode.OK.code();
    /** Another daemon holds the scope lock (B-S1). */
    public static final int EXIT_ALREADY_RUNNING = ExitCode.ALREADY_RUNNING.code();
    /** Shutdown overran the grace period and force-closed resources (B-E2). */
    public static final int EXIT_FORCED = ExitCode.SHUTDOWN_FORCED.code();

    private static final Logger log = LoggerFactory.getLogger(Daemon.class);
    /** How long the orderly path may still run after the watchdog closed every connection, before the halt (B-E2). */
    public static final Duration HALT_MARGIN = Duration.ofMillis(500);

    private final DaemonIdentity identity;
    private final DaemonSettings settings;
    private final DaemonPorts ports;
    private final IntConsumer halt;
    private final ActivityTracker activity;
    private final DaemonStateCoordinator coordinator;
    private final DaemonContext context;
    private final Map<Transport, Endpoint> endpoints = new ConcurrentHashMap<>();
    private volatile List<Engine> engines = List.of();
    private volatile Instant startedAt;
    private volatile List<String> recentExits = List.of();

    /** A daemon whose shutdown watchdog halts the JVM ({@code Runtime.getRuntime().halt}) as its last resort. */
    public Daemon(DaemonIdentity identity, DaemonSettings settings, DaemonPorts ports) {
        this(identity, settings, ports, code -> Runtime.getRuntime().halt(code));
    }

    /**
     * @param halt ends the process with the given exit code at once, without shutdown hooks: the shutdown watchdog's
     *        last resort (B-E2); {@code Runtime.getRuntime()::halt} but in tests
     */
    public Daemon(DaemonIdentity identity, DaemonSettings settings, DaemonPorts ports, IntConsumer halt) {
        this.identity = requireNonNull(identity, "identity is null");
        this.settings = requireNonNull(settings, "settings is null");
        this.ports = requireNonNull(ports, "ports is null");
        this.halt = requireNonNull(halt, "halt is null");
        this.activity = new ActivityTracker(ports.registry(), ports.clock());
        this.coordinator = new DaemonStateCoordinator(ports.ticker());
        this.context = new DaemonContext(identity, settings, ports, coordinator);
    }

    /**
     * Runs the daemon until it is stopped.
     *
     * @return the exit code: {@link #EXIT_OK}, {@link #EXIT_ALREADY_RUNNING} or {@link #EXIT_FORCED}
     * @throws IOException if the state dir cannot be prepared or no transport can listen
     */
    public int run() throws IOException {
        StateDirectory state = ports.state();
        try {
            state.prepare();
            Optional<StateDirectory.ScopeLock> lock = state.tryLock();
            if (lock.isEmpty()) {
                log.info("another daemon holds {}/daemon.lock; exiting without touching anything (B-S1)", state.root());
                return EXIT_ALREADY_RUNNING;
            }
            try (StateDirectory.ScopeLock held = lock.get()) {
                new PredecessorReaper(context).reap();
                state.removeRecordAndSocket(); // leftovers of a daemon that died without cleaning up (B-S3)
                startedAt = ports.clock().instant();
                recentExits = state.recentExits(10);
                ClientConnectionHandler handler = start();
                coordinator.advanceTo(DaemonState.SERVING);
                ScheduledExecutorService lifecycle = LifecycleChecks.start(settings, ports, activity, endpoints.keySet(),
                        handler, this::requestStop);
                coordinator.awaitUninterruptibly(DaemonState::isStopping); // only a stop request ends the daemon
                lifecycle.shutdownNow();
                return new ShutdownSequence(context, activity, halt).run(handler, engines);
            }
        } finally {
            coordinator.advanceTo(DaemonState.STOPPED);
        }
    }

    private ClientConnectionHandler start() throws IOException {
        List<Engine> created = new ArrayList<>();
        created.add(new AdminEngine(this::status, this::requestStop));
        for (EngineFactory factory : ports.engineFactories()) {
            created.add(factory.create());
        }
        engines = List.copyOf(created);
        ServerInfo info = new ServerInfo("mcpd", identity.version(),
                "Tools served by the shared mcpd daemon. Call daemon_status to see what is connected and available.");
        ClientConnectionHandler handler = new ClientConnectionHandler(identity, settings,
                new ConnectionServices(info, new ToolCatalog(engines), ports.registry(), ports.probe(),
                        ports.codec(), activity, ports.clock(), ports.ticker()));
        for (Transport transport : ports.transports()) {
            if (!transport.availability().isAvailable()) {
                log.info("transport {} not started: {}", transport.kind(), transport.availability().reason());
                continue;
            }
            endpoints.put(transport, transport.start(handler));
        }
        if (endpoints.isEmpty()) {
            ShutdownSequence.closeEngines(engines, ports.ticker());
            throw new IOException("no transport could listen; see the log above for each one's reason");
        }
        List<Endpoint> bound = ports.transports().stream().filter(endpoints::containsKey).map(endpoints::get).toList();
        // The token goes to daemon.json (0600) only when a transport that asks for it listens (B-T3).
        String token = identity.token() != null && bound.stream().anyMatch(e -> e.kind() == TransportKind.TCP)
                ? identity.token().text() : null;
        ports.state().writeRecord(new DaemonRecord(identity.pid(), identity.version(), identity.scope(), bound,
                ports.clock().instant(), token, recentExits));
        log.info("mcpd {} daemon pid {} serving scope {} on {} with engines {}", identity.version(), identity.pid().value(),
                identity.scope(), bound, engines.stream().map(Engine::name).toList());
        return handler;
    }

    /** Asks the daemon to stop; returns at once. The first reason given is kept; a later request is logged only. */
    public void requestStop(String reason) {
        coordinator.requestStop(reason);
    }

    /**
     * Asks the daemon to stop now (a second SIGTERM or SIGINT): as {@link #requestStop}, and the shutdown watchdog
     * fires at once instead of at the end of the grace period: every connection is closed, and the process halts with
     * {@link #EXIT_FORCED} if the orderly path has not finished {@link #HALT_MARGIN} later (B-E2). Returns at once.
     */
    public void forceStop(String reason) {
        requestStop(reason);
        if (coordinator.advanceTo(DaemonState.FORCE_STOP_REQUESTED).compareTo(DaemonState.FORCE_STOP_REQUESTED) < 0) {
            log.warn("{}: forcing the shutdown: every connection is closed now, and the daemon halts with exit {} if it "
                    + "has not finished {} ms later", reason, EXIT_FORCED, HALT_MARGIN.toMillis());
        }
    }

    /** @return where the daemon is in its life; a snapshot */
    public DaemonState state() {
        return coordinator.state();
    }

    /**
     * Waits until the daemon has finished shutting down ({@link DaemonState#STOPPED}).
     *
     * @param timeout the longest to wait, in real time
     * @return true if it did within {@code timeout}
     * @throws InterruptedException if the waiting thread is interrupted
     */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        return coordinator.await(s -> s == DaemonState.STOPPED, timeout);
    }

    /** A fresh snapshot; never blocks. */
    public DaemonStatus status() {
        Instant now = ports.clock().instant();
        Instant started = startedAt == null ? now : startedAt;
        List<DaemonStatus.TransportStatus> ts = new ArrayList<>();
        for (Transport transport : ports.transports()) {
            Endpoint endpoint = endpoints.get(transport);
            ts.add(new DaemonStatus.TransportStatus(transport.kind(), endpoint == null ? null : endpoint.toString(),
                    transport.availability()));
        }
        List<DaemonStatus.EngineStatus> es = new ArrayList<>();
        for (Engine engine : engines) {
            es.add(new DaemonStatus.EngineStatus(engine.name(), engine.availability(), engine.tools().size(),
                    engine.detail()));
        }
        return new DaemonStatus(identity.version(), identity.pid().value(), identity.scope(), started,
                Duration.between(started, now), ts, es, ports.registry().snapshot(), coordinator.stopReason(),
                recentExits);
    }
}
