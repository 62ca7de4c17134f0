package dev.mcpd.adapter.secondary.hyperd;

import static java.util.Objects.requireNonNull;

import dev.mcpd.domain.error.HyperdException;
import dev.mcpd.domain.model.hyperd.HyperdState;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts, watches, restarts and stops one hyperd process (B-B3, B-E1, B-E3).
 *
 * <p>Protocol (hyperd's callback connection), as numbered invariants:
 * <ol>
 *   <li>Every endpoint is a Unix-domain socket in a private directory ({@link SocketDirectory}), so that no other
 *       local user can reach hyperd (review finding 1: on loopback TCP with no password any local user ran SQL as the
 *       owner) or pose as it (review finding 15).
 *   <li>The supervisor listens on {@code <dir>/callback-<generation>} and starts
 *       {@code hyperd run --callback-connection tab.domain://<dir>/domain/callback-<g> --listen-connection
 *       tab.domain://<dir>/domain/.s.PGSQL.<g> --init-user=tableau_internal_user --no-password --skip-license
 *       --log-dir <dir> --hard-concurrent-query-thread-limit=<pool size + cores>} (the last one only when this hyperd
 *       knows the setting: with hyperd's default of 1.5 threads a core, a client's {@code SELECT 1} waited 40 s
 *       behind another client's slow statements, measured; review finding 12). See {@link HyperdLaunch}.
 *   <li>hyperd connects to the callback socket and sends one length byte N, then N bytes: its endpoint descriptor,
 *       NUL-terminated (N counts the NUL). A connection whose peer (SO_PEERCRED) is not the child process is dropped
 *       and the supervisor goes on waiting; a descriptor other than the endpoint hyperd was told to listen on fails
 *       the start (review finding 15). The callback socket file is removed once hyperd called back.
 *   <li>The supervisor keeps that callback connection open for hyperd's whole life; closing it makes hyperd exit.
 *       This is a dead-man's switch: when the daemon dies, even by SIGKILL, the kernel closes the socket and hyperd
 *       exits, so no hyperd is ever orphaned.
 *   <li>Start is lazy and shared: the first {@link #running} starts hyperd; concurrent callers wait for the same start,
 *       each only until its own deadline. No lock is held while waiting.
 *   <li>When hyperd exits unexpectedly it is restarted at once, at most {@link RestartPolicy#MAX_RESTARTS} times
 *       within {@link RestartPolicy#RESTART_WINDOW}; past that the supervisor reports {@link HyperdState#FAILED} until
 *       the window allows another start, which the next call then makes.
 *   <li>{@link #close()} closes the callback socket, waits up to 2 s for hyperd to exit, then sends SIGTERM, then
 *       SIGKILL, then removes its socket directory; it is idempotent.
 * </ol>
 */
public final class HyperdSupervisor implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HyperdSupervisor.class);

    /**
     * Where hyperd is in its life, read as one consistent snapshot.
     *
     * @param state never {@link HyperdState#UNAVAILABLE} (that is a client without a binary)
     * @param lastError why hyperd last exited or failed to start; empty when it never did
     * @param restarts how many times hyperd was restarted after an unexpected exit (or a failed start)
     */
    public record Health(HyperdState state, String lastError, int restarts) {

        Health in(HyperdState next) {
            return new Health(next, lastError, restarts);
        }

        Health failed(HyperdState next, String error) {
            return new Health(next, error, restarts);
        }

        Health restarted() {
            return new Health(state, lastError, restarts + 1);
        }
    }

    /**
     * One running hyperd.
     *
     * @param generation 1 for the first start, incremented by each restart
     * @param process the hyperd process
     * @param socket hyperd's Unix-domain socket, where pgjdbc connects
     * @param descriptor the endpoint descriptor hyperd sent, e.g. {@code tab.domain:///.../domain/.s.PGSQL.1}
     * @param startedAt when hyperd called back
     * @param callback the callback connection, open for hyperd's life (invariant 4)
     */
    public record Running(long generation, Process process, Path socket, String descriptor, Instant startedAt,
            Socket callback) {}

    private final Path binary;
    private final Path logDir;
    private final Duration startTimeout;
    private final Clock clock;
    private final HyperdLaunch launcher;
    private final Object stateGuard = new Object();
    private final RestartPolicy restartPolicy = new RestartPolicy();
    private final AtomicBoolean closed = new AtomicBoolean();

    // Written under stateGuard (never held across I/O), read without it.
    private volatile CompletableFuture<Running> current;
    private volatile Health health = new Health(HyperdState.NOT_STARTED, "", 0);
    private long generation;

    /**
     * @param binary the hyperd executable
     * @param config where hyperd logs ({@link PgWireHyperdClientConfig#logDir()}, created if missing; hyperd's stdout
     *        and stderr go to {@code hyperd.out} in it), where its sockets go ({@link PgWireHyperdClientConfig#runDir()}),
     *        how many statements run at once ({@link PgWireHyperdClientConfig#poolSize()}) and how long hyperd may
     *        take to call back after it was started ({@link PgWireHyperdClientConfig#startTimeout()})
     * @param clock the time source of deadlines and of the restart window
     */
    public HyperdSupervisor(Path binary, PgWireHyperdClientConfig config, Clock clock) {
        this.binary = requireNonNull(binary, "binary is null");
        requireNonNull(config, "config is null");
        this.logDir = config.logDir();
        this.startTimeout = config.startTimeout();
        this.clock = requireNonNull(clock, "clock is null");
        this.launcher = new HyperdLaunch(binary, config, clock);
    }

    /** The executable this supervisor starts. */
    public Path binary() {
        return binary;
    }

    /** Where hyperd is in its life, why it last failed and how often it restarted, as one snapshot; never waits. */
    public Health health() {
        return health;
    }

    /** The running hyperd, if one is running now; never waits. */
    public Optional<Running> runningNow() {
        CompletableFuture<Running> future = current;
        if (future == null || !future.isDone() || future.isCompletedExceptionally()) {
            return Optional.empty();
        }
        Running running = future.join();
        return running.process().isAlive() ? Optional.of(running) : Optional.empty();
    }

    /**
     * The running hyperd, starting it if needed (invariant 5).
     *
     * @throws HyperdException.Unavailable when hyperd cannot be started, or was restarted too often
     * @throws HyperdException.DeadlineExceeded when hyperd did not come up by {@code deadline}
     * @throws InterruptedException when the caller is interrupted while waiting
     */
    public Running running(Instant deadline) throws InterruptedException {
        CompletableFuture<Running> future = ensureStarting();
        Duration wait = Duration.between(clock.instant(), deadline);
        try {
            return future.get(Math.max(0, wait.toNanos()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new HyperdException.DeadlineExceeded("waiting for hyperd to start", wait, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof HyperdException.Unavailable unavailable) {
                throw unavailable;
            }
            throw new HyperdException.Unavailable("hyperd failed to start: " + e.getCause(), e.getCause());
        }
    }

    private CompletableFuture<Running> ensureStarting() {
        synchronized (stateGuard) {
            if (closed.get()) {
                return CompletableFuture.failedFuture(new HyperdException.Unavailable("hyperd was stopped (mcpd is shutting down)", null));
            }
            CompletableFuture<Running> future = current;
            if (future != null && !future.isCompletedExceptionally()) {
                return future;
            }
            if (future != null && !restartPolicy.allow(clock.instant())) {
                return future; // failed, and the restart limit says wait
            }
            if (future != null) {
                health = health.restarted();
            }
            return launch();
        }
    }

    /** Called under stateGuard: starts a launch on a virtual thread and publishes its future. */
    private CompletableFuture<Running> launch() {
        CompletableFuture<Running> future = new CompletableFuture<>();
        long gen = ++generation;
        current = future;
        health = health.in(gen == 1 ? HyperdState.STARTING : HyperdState.RESTARTING);
        Thread.ofVirtual().name("hyperd-start-" + gen).start(() -> {
            try {
                Running running = launcher.start(gen);
                synchronized (stateGuard) {
                    if (closed.get() || current != future) {
                        closeQuietly(running.callback());
                        HyperdLaunch.stop(running.process());
                        future.completeExceptionally(new HyperdException.Unavailable("hyperd was stopped", null));
                        return;
                    }
                    health = health.in(HyperdState.RUNNING);
                }
                future.complete(running);
                running.process().onExit().thenAccept(process -> exited(future, running, process.exitValue()));
            } catch (IOException | RuntimeException e) {
                synchronized (stateGuard) {
                    health = health.failed(closed.get() ? HyperdState.STOPPED : HyperdState.FAILED,
                            "start failed: " + e.getMessage());
                }
                log.warn("hyperd {} failed to start: {}", binary, e.getMessage());
                future.completeExceptionally(e instanceof HyperdException.Unavailable u ? u
                        : new HyperdException.Unavailable("hyperd (" + binary + ") failed to start: " + e.getMessage()
                                + "; see " + logDir, e));
            }
        });
        return future;
    }

    private void exited(CompletableFuture<Running> future, Running running, int exitCode) {
        deleteQuietly(running.socket()); // a killed hyperd leaves its socket and pid file behind
        deleteQuietly(running.socket().resolveSibling(running.socket().getFileName() + ".pid"));
        synchronized (stateGuard) {
            closeQuietly(running.callback());
            if (closed.get() || current != future) {
                return;
            }
            String lastError = "hyperd (pid " + running.process().pid() + ") exited with code " + exitCode + " after "
                    + Duration.between(running.startedAt(), clock.instant()).toSeconds() + " s; see " + logDir;
            log.warn("{}", lastError);
            if (restartPolicy.allow(clock.instant())) {
                health = health.failed(health.state(), lastError).restarted();
                launch();
            } else {
                health = health.failed(HyperdState.FAILED, lastError);
                current = CompletableFuture.failedFuture(new HyperdException.Unavailable("hyperd exited "
                        + (RestartPolicy.MAX_RESTARTS + 1) + " times within " + RestartPolicy.RESTART_WINDOW.toSeconds()
                        + " s; not restarting it until the minute is over. Last: " + lastError, null));
                log.error("hyperd restarted {} times within {}; giving up for now", RestartPolicy.MAX_RESTARTS,
                        RestartPolicy.RESTART_WINDOW);
            }
        }
    }

    /** Stops hyperd (invariant 7); idempotent. */
    @Override
    public void close() {
        CompletableFuture<Running> future;
        synchronized (stateGuard) {
            if (!closed.compareAndSet(false, true)) {
                return;
            }
            future = current;
            health = health.in(HyperdState.STOPPED);
        }
        if (future != null && !future.isDone()) {
            // A start in progress sees `closed` and stops its own hyperd before completing; wait for that.
            try {
                future.get(startTimeout.toMillis() + 5_000, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                log.debug("hyperd start in progress at close ended with {}", e.toString());
            }
        }
        if (future != null && future.isDone() && !future.isCompletedExceptionally()) {
            Running running = future.join();
            closeQuietly(running.callback());
            HyperdLaunch.stop(running.process());
        }
        launcher.deleteSockets();
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            log.debug("removing {}: {}", file, e.toString());
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            log.debug("closing hyperd's callback socket failed", e);
        }
    }
}
