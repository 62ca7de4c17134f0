package dev.mcpd.application.daemon;

import static java.util.Objects.requireNonNull;

import dev.mcpd.application.admin.AdminEngine;
import dev.mcpd.application.mcp.ServerInfo;
import dev.mcpd.application.mcp.ToolCatalog;
import dev.mcpd.domain.model.DaemonRecord;
import dev.mcpd.domain.model.Endpoint;
import dev.mcpd.domain.model.ExitCode;
import dev.mcpd.domain.model.TransportKind;
import dev.mcpd.domain.policy.ExpirationPolicy;
import dev.mcpd.domain.policy.ExpirationResult;
import dev.mcpd.domain.port.ClientRegistry;
import dev.mcpd.domain.port.Engine;
import dev.mcpd.domain.port.EngineFactory;
import dev.mcpd.domain.port.JsonCodec;
import dev.mcpd.domain.port.LeftoverProcesses;
import dev.mcpd.domain.port.LivenessProbe;
import dev.mcpd.domain.port.StateDirectory;
import dev.mcpd.domain.port.Transport;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The resident daemon of one scope: takes the scope lock, starts engines and transports, publishes
 * {@code daemon.json}, serves until asked to stop, then shuts down in one ordered path.
 *
 * <p>Invariants:
 * <ol>
 *   <li>B-S1 a daemon that cannot take the lock returns {@link #EXIT_ALREADY_RUNNING} at once, touching nothing.
 *   <li>B-S2/S3 only the lock holder cleans stale files, writes the record and removes it; the lock is released last.
 *   <li>B-E1 every stop (signal, {@code daemon stop}, {@code daemon_stop}, expiration) takes the same path: stop
 *       accepting; let calls in flight finish for a short drain, then answer the rest with an error; close every
 *       connection; close engines in reverse order; remove own files; release the lock.
 *   <li>B-E2 past the grace period remaining engines are abandoned and the exit code is {@link #EXIT_FORCED}.
 *   <li>B-E2 the grace period bounds the whole shutdown, not only the engines (review finding 2, ADR 0010): no step
 *       writes to a client synchronously, and a watchdog armed when shutdown begins closes every connection at the
 *       deadline and, if the orderly path has still not finished {@link #HALT_MARGIN} later, records the exit and
 *       halts the process with {@link #EXIT_FORCED}. {@link #forceStop} (a second signal) fires it at once.
 *   <li>B-L6 a predecessor that died without shutting down (SIGKILL, a crash, out of memory) is recorded in the exit
 *       history by the next daemon, with its exit code unknown (review finding 17).
 *   <li>B-L6/L7 expiration policies (idle timer, inactivity backstop, endpoint lost) and the liveness sweep run on
 *       one named thread; a failing check is logged and runs again; one place acts, and the reason is logged,
 *       appended to the scope's exit history and shown by {@code daemon_status}.
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
    private static final Duration DRAIN = Duration.ofMillis(250);
    /** The longest the cancelled calls' {@code -32002} answers may take to reach their clients (B-E1). */
    private static final Duration ANSWER_FLUSH = Duration.ofMillis(500);
    /** How long the orderly path may still run after the watchdog closed every connection, before the halt (B-E2). */
    public static final Duration HALT_MARGIN = Duration.ofMillis(500);

    private final DaemonIdentity identity;
    private final DaemonSettings settings;
    private final StateDirectory state;
    private final List<Transport> transports;
    private final List<EngineFactory> engineFactories;
    private final ClientRegistry registry;
    private final LivenessProbe probe;
    private final JsonCodec codec;
    private final Clock clock;
    private final ActivityTracker activity;
    private final LeftoverProcesses leftovers;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final CountDownLatch terminated = new CountDownLatch(1);
    private final AtomicReference<String> stopReason = new AtomicReference<>();
    private final CountDownLatch forceRequested = new CountDownLatch(1);
    private final java.util.concurrent.atomic.AtomicBoolean forced = new java.util.concurrent.atomic.AtomicBoolean();
    private final java.util.function.IntConsumer halt;
    private volatile String shutdownStep = "not begun";
    private final Map<Transport, Endpoint> endpoints = new ConcurrentHashMap<>();
    private volatile List<Engine> engines = List.of();
    private volatile Instant startedAt;
    private volatile List<String> recentExits = List.of();

    public Daemon(DaemonIdentity identity, DaemonSettings settings, StateDirectory state, List<Transport> transports,
            List<EngineFactory> engineFactories, ClientRegistry registry, LivenessProbe probe, JsonCodec codec, Clock clock) {
        this(identity, settings, state, transports, engineFactories, registry, probe, codec, clock, LeftoverProcesses.none());
    }

    /**
     * @param leftovers finds and stops what a SIGKILLed predecessor left running (B-E3)
     */
    public Daemon(DaemonIdentity identity, DaemonSettings settings, StateDirectory state, List<Transport> transports,
            List<EngineFactory> engineFactories, ClientRegistry registry, LivenessProbe probe, JsonCodec codec, Clock clock,
            LeftoverProcesses leftovers) {
        this(identity, settings, state, transports, engineFactories, registry, probe, codec, clock, leftovers,
                code -> Runtime.getRuntime().halt(code));
    }

    /**
     * @param halt ends the process with the given exit code at once, without shutdown hooks: the shutdown watchdog's
     *        last resort (B-E2); {@code Runtime.getRuntime()::halt} but in tests
     */
    public Daemon(DaemonIdentity identity, DaemonSettings settings, StateDirectory state, List<Transport> transports,
            List<EngineFactory> engineFactories, ClientRegistry registry, LivenessProbe probe, JsonCodec codec, Clock clock,
            LeftoverProcesses leftovers, java.util.function.IntConsumer halt) {
        this.halt = requireNonNull(halt, "halt is null");
        this.leftovers = requireNonNull(leftovers, "leftovers is null");
        this.identity = requireNonNull(identity, "identity is null");
        this.settings = requireNonNull(settings, "settings is null");
        this.state = requireNonNull(state, "state is null");
        this.transports = List.copyOf(requireNonNull(transports, "transports is null"));
        this.engineFactories = List.copyOf(requireNonNull(engineFactories, "engineFactories is null"));
        this.registry = requireNonNull(registry, "registry is null");
        this.probe = requireNonNull(probe, "probe is null");
        this.codec = requireNonNull(codec, "codec is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.activity = new ActivityTracker(registry, clock);
    }

    /**
     * Runs the daemon until it is stopped.
     *
     * @return the exit code: {@link #EXIT_OK}, {@link #EXIT_ALREADY_RUNNING} or {@link #EXIT_FORCED}
     * @throws IOException if the state dir cannot be prepared or no transport can listen
     */
    public int run() throws IOException {
        state.prepare();
        Optional<StateDirectory.ScopeLock> lock = state.tryLock();
        if (lock.isEmpty()) {
            log.info("another daemon holds {}/daemon.lock; exiting without touching anything (B-S1)", state.root());
            terminated.countDown();
            return EXIT_ALREADY_RUNNING;
        }
        try (StateDirectory.ScopeLock held = lock.get()) {
            reapPredecessor();
            state.removeRecordAndSocket(); // leftovers of a daemon that died without cleaning up (B-S3)
            startedAt = clock.instant();
            recentExits = state.recentExits(10);
            ClientConnectionHandler handler = start();
            ScheduledExecutorService lifecycle = startLifecycleChecks(handler);
            awaitStopRequest();
            lifecycle.shutdownNow();
            return shutdown(handler);
        } finally {
            terminated.countDown();
        }
    }

    /**
     * A record left by a daemon that is gone means it died without shutting down (SIGKILL, a crash): the child
     * processes of its engines may still run. They are found and stopped before this daemon starts its own (B-E3).
     */
    private void reapPredecessor() {
        Optional<DaemonRecord> stale = state.readRecord();
        if (stale.isEmpty() || stale.get().pid().sameProcessAs(identity.pid())
                || probe.check(stale.get().pid()) != LivenessProbe.Liveness.DEAD) {
            return;
        }
        long pid = stale.get().pid().value();
        String leftoverNote = "";
        try {
            List<dev.mcpd.domain.model.Pid> found = leftovers.find(stale.get().pid());
            if (!found.isEmpty()) {
                int left = leftovers.stop(found, Duration.ofMillis(500));
                log.warn("daemon pid {} died without shutting down and left {} process(es) running: {}; stopped them{} (B-E3)",
                        pid, found.size(), found, left == 0 ? "" : ", " + left + " would not die");
                leftoverNote = "; " + found.size() + " leftover process(es) stopped";
            }
        } catch (RuntimeException e) {
            log.error("could not look for the leftovers of daemon pid {}", pid, e);
        }
        // Its own exit was never recorded: SIGKILL, a crash and -XX:OnOutOfMemoryError's kill leave no chance to
        // (review finding 17). Its daemon.log's last lines say which.
        log.warn("daemon pid {} died without shutting down (SIGKILL, a crash or out of memory; its exit code is unknown, "
                + "daemon.log has its last lines) (B-L6)", pid);
        state.recordExit(clock.instant() + " pid " + pid + " died without shutting down" + leftoverNote + "; found by pid "
                + identity.pid().value() + "; exit code unknown (SIGKILL, a crash or out of memory; see daemon.log)");
    }

    private ClientConnectionHandler start() throws IOException {
        List<Engine> created = new ArrayList<>();
        created.add(new AdminEngine(this::status, this::requestStop));
        for (EngineFactory factory : engineFactories) {
            created.add(factory.create());
        }
        engines = List.copyOf(created);
        ToolCatalog catalog = new ToolCatalog(engines);
        ServerInfo info = new ServerInfo("mcpd", identity.version(),
                "Tools served by the shared mcpd daemon. Call daemon_status to see what is connected and available.");
        ClientConnectionHandler handler = new ClientConnectionHandler(identity, settings, info, catalog, registry, probe,
                codec, activity, clock);
        for (Transport transport : transports) {
            if (!transport.availability().isAvailable()) {
                log.info("transport {} not started: {}", transport.kind(), transport.availability().reason());
                continue;
            }
            endpoints.put(transport, transport.start(handler));
        }
        if (endpoints.isEmpty()) {
            closeEngines(Instant.MAX);
            throw new IOException("no transport could listen; see the log above for each one's reason");
        }
        List<Endpoint> bound = transports.stream().filter(endpoints::containsKey).map(endpoints::get).toList();
        // The token goes to daemon.json (0600) only when a transport that asks for it listens (B-T3).
        String token = identity.token() != null && bound.stream().anyMatch(e -> e.kind() == TransportKind.TCP)
                ? identity.token().text() : null;
        state.writeRecord(new DaemonRecord(identity.pid(), identity.version(), identity.scope(), bound, clock.instant(), token,
                recentExits));
        log.info("mcpd {} daemon pid {} serving scope {} on {} with engines {}", identity.version(), identity.pid().value(),
                identity.scope(), bound, engines.stream().map(Engine::name).toList());
        return handler;
    }

    /**
     * Starts the periodic checks on one named thread (B-L6, B-L7): the expiration policies every
     * {@code checkInterval} and the liveness sweep every {@code clientSweep}. Each run is guarded: a failure is
     * logged and the check runs again next period.
     */
    private ScheduledExecutorService startLifecycleChecks(ClientConnectionHandler handler) {
        ExpirationPolicy policy = ExpirationPolicy.anyOf(
                ExpirationPolicies.idleFor(activity, clock, settings.idleTimeout()),
                ExpirationPolicies.inactivityBackstop(registry, probe, clock, settings.maxIdle()),
                ExpirationPolicies.endpointLost(state, endpoints.keySet()));
        LivenessSweep sweep = new LivenessSweep(registry, probe);
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("mcpd-lifecycle").daemon().factory());
        scheduler.scheduleWithFixedDelay(guarded("expiration check", () -> {
            ExpirationResult result = policy.check();
            if (result.expires()) {
                requestStop("expired: " + result.reason());
            }
        }), settings.checkInterval().toMillis(), settings.checkInterval().toMillis(), TimeUnit.MILLISECONDS);
        scheduler.scheduleWithFixedDelay(guarded("liveness sweep", () -> {
            for (LivenessSweep.Dead dead : sweep.deadClients()) {
                handler.disconnect(dead.client(), "liveness sweep: " + dead.reason() + " (B-L3)");
            }
        }), settings.clientSweep().toMillis(), settings.clientSweep().toMillis(), TimeUnit.MILLISECONDS);
        return scheduler;
    }

    private Runnable guarded(String name, Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException | Error e) {
                log.error("{} failed; it runs again next period (B-L7)", name, e);
            }
        };
    }

    private void awaitStopRequest() {
        while (true) {
            try {
                stopRequested.await();
                return;
            } catch (InterruptedException e) {
                // only a stop request ends the daemon
            }
        }
    }

    /** Asks the daemon to stop; returns at once. The first reason given is kept; a later request is logged only. */
    public void requestStop(String reason) {
        if (stopReason.compareAndSet(null, reason)) {
            log.info("stop requested: {}", reason);
        } else {
            log.info("stop requested again ({}) while stopping ({}); the shutdown goes on (B-E1)", reason, stopReason.get());
        }
        stopRequested.countDown();
    }

    /**
     * Asks the daemon to stop now (a second SIGTERM or SIGINT): as {@link #requestStop}, and the shutdown watchdog
     * fires at once instead of at the end of the grace period: every connection is closed, and the process halts with
     * {@link #EXIT_FORCED} if the orderly path has not finished {@link #HALT_MARGIN} later (B-E2). Returns at once.
     */
    public void forceStop(String reason) {
        requestStop(reason);
        if (forceRequested.getCount() > 0) {
            log.warn("{}: forcing the shutdown: every connection is closed now, and the daemon halts with exit {} if it "
                    + "has not finished {} ms later", reason, EXIT_FORCED, HALT_MARGIN.toMillis());
            forceRequested.countDown();
        }
    }

    /**
     * Waits until the daemon has finished shutting down.
     *
     * @return true if it did within {@code timeout}
     */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        return terminated.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    private int shutdown(ClientConnectionHandler handler) {
        Instant deadline = clock.instant().plus(settings.shutdownGrace());
        long begun = System.nanoTime();
        Thread shutdownThread = Thread.currentThread();
        Thread.ofPlatform().name("mcpd-shutdown-watchdog").daemon()
                .start(() -> watchShutdown(shutdownThread, begun + settings.shutdownGrace().toNanos()));
        step("stop accepting");
        transports.forEach(Transport::requestStop);
        step("drain calls in flight");
        drainCalls();
        step("answer and cancel calls in flight");
        handler.answerAndCancelAll();
        step("send the answers");
        Duration left = Duration.between(clock.instant(), deadline);
        handler.awaitFlushed(left.compareTo(ANSWER_FLUSH) < 0 ? left : ANSWER_FLUSH);
        step("close every connection");
        transports.forEach(Transport::requestForcefulStop);
        step("close engines");
        boolean clean = closeEngines(deadline);
        step("record the exit");
        int code = clean && !forced.get() ? EXIT_OK : EXIT_FORCED;
        state.recordExit(clock.instant() + " pid " + identity.pid().value() + " exit " + code + ": " + stopReason.get());
        removeOwnRecord();
        step("release the lock");
        log.info("daemon stopped ({}) in {} ms{}", stopReason.get(), (System.nanoTime() - begun) / 1_000_000,
                code == EXIT_OK ? "" : "; forced: resources were abandoned or connections force-closed (B-E2)");
        return code;
    }

    private void step(String name) {
        shutdownStep = name;
    }

    /**
     * Only the record's writer removes it, in one step with the check (B-S2, B-S5; review finding 22): after an
     * "endpoint lost" another daemon may own it now. Each transport removed the socket file it bound.
     */
    private void removeOwnRecord() {
        state.removeRecordIfOwnedBy(identity.pid());
    }

    /**
     * The shutdown watchdog (B-E2, review finding 2): waits for the shutdown to finish, until {@code deadlineNanos}
     * ({@link System#nanoTime()}) or a {@link #forceStop}. Then it closes every connection (on a thread of its own, in
     * case a transport is what hangs) and, if the shutdown has still not finished {@link #HALT_MARGIN} later, records
     * the exit, removes this daemon's record and halts the process with {@link #EXIT_FORCED}; the kernel releases the
     * lock.
     */
    private void watchShutdown(Thread shutdownThread, long deadlineNanos) {
        try {
            while (!terminated.await(Math.min(20_000_000L, Math.max(1, deadlineNanos - System.nanoTime())),
                    TimeUnit.NANOSECONDS)) {
                if (forceRequested.getCount() == 0 || System.nanoTime() - deadlineNanos >= 0) {
                    break;
                }
            }
            if (terminated.getCount() == 0) {
                return;
            }
            forced.set(true);
            String why = forceRequested.getCount() == 0 ? "forced by a second stop signal"
                    : "not finished within the grace period of " + settings.shutdownGrace().toMillis() + " ms";
            Throwable stuckAt = new Throwable("the shutdown thread's stack");
            stuckAt.setStackTrace(shutdownThread.getStackTrace());
            log.error("shutdown {} (at step: {}); closing every connection (B-E2)", why, shutdownStep, stuckAt);
            Thread.ofVirtual().name("mcpd-force-close").start(() -> transports.forEach(transport -> {
                try {
                    transport.requestForcefulStop();
                } catch (RuntimeException e) {
                    log.warn("transport {} failed to close its connections", transport.kind(), e);
                }
            }));
            if (terminated.await(HALT_MARGIN.toNanos(), TimeUnit.NANOSECONDS)) {
                return;
            }
            log.error("shutdown still not finished {} ms later (at step: {}); halting with exit {} (B-E2)",
                    HALT_MARGIN.toMillis(), shutdownStep, EXIT_FORCED);
            try {
                state.recordExit(clock.instant() + " pid " + identity.pid().value() + " exit " + EXIT_FORCED + ": "
                        + stopReason.get() + "; shutdown " + why + ", halted at step: " + shutdownStep);
                removeOwnRecord();
            } finally {
                halt.accept(EXIT_FORCED);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.error("the shutdown watchdog failed", e);
        }
    }

    private void drainCalls() {
        long until = System.nanoTime() + DRAIN.toNanos();
        while (registry.inFlightCalls() > 0 && System.nanoTime() < until) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private boolean closeEngines(Instant deadline) {
        List<Engine> reversed = new ArrayList<>(engines);
        java.util.Collections.reverse(reversed);
        List<Thread> closers = new ArrayList<>();
        for (Engine engine : reversed) {
            closers.add(Thread.ofVirtual().name("close-" + engine.name()).start(() -> {
                try {
                    engine.close();
                } catch (RuntimeException e) {
                    log.warn("engine {} failed to close", engine.name(), e);
                }
            }));
        }
        boolean clean = true;
        for (Thread closer : closers) {
            try {
                Duration left = deadline.equals(Instant.MAX) ? Duration.ofDays(1) : Duration.between(clock.instant(), deadline);
                if (left.isNegative() || !closer.join(left)) {
                    log.error("{} did not finish within the shutdown grace period (B-E2)", closer.getName());
                    clean = false;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                clean = false;
            }
        }
        return clean;
    }

    /** A fresh snapshot; never blocks. */
    public DaemonStatus status() {
        Instant now = clock.instant();
        Instant started = startedAt == null ? now : startedAt;
        List<DaemonStatus.TransportStatus> ts = new ArrayList<>();
        for (Transport transport : transports) {
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
                Duration.between(started, now), ts, es, registry.snapshot(), stopReason.get(), recentExits);
    }
}
