package dev.mcpd.adapter.secondary.hyperd;

import static java.util.Objects.requireNonNull;

import dev.mcpd.domain.error.HyperdException;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts, watches, restarts and stops one hyperd process (B-B3, B-E1, B-E3).
 *
 * <p>Protocol (hyperd's callback connection), as numbered invariants:
 * <ol>
 *   <li>The supervisor listens on an ephemeral loopback port P and starts
 *       {@code hyperd run --callback-connection tab.tcp://127.0.0.1:P --listen-connection tab.tcp://localhost:0
 *       --init-user=tableau_internal_user --no-password --skip-license --log-dir <dir>}.
 *   <li>hyperd connects to P and sends one length byte N, then N bytes: its endpoint descriptor, e.g.
 *       {@code tab.tcp://127.0.0.1:36513}, NUL-terminated (N counts the NUL). That endpoint is where pgjdbc connects.
 *   <li>The supervisor keeps that callback socket open for hyperd's whole life; closing it makes hyperd exit.
 *       This is a dead-man's switch: when the daemon dies, even by SIGKILL, the kernel closes the socket and hyperd
 *       exits, so no hyperd is ever orphaned.
 *   <li>Start is lazy and shared: the first {@link #running} starts hyperd; concurrent callers wait for the same start,
 *       each only until its own deadline. No lock is held while waiting.
 *   <li>When hyperd exits unexpectedly it is restarted at once, at most {@link #MAX_RESTARTS} times within
 *       {@link #RESTART_WINDOW}; past that the supervisor reports {@code failed} until the window allows another start,
 *       which the next call then makes.
 *   <li>{@link #close()} closes the callback socket, waits up to 2 s for hyperd to exit, then sends SIGTERM, then
 *       SIGKILL; it is idempotent.
 * </ol>
 */
public final class HyperdSupervisor implements AutoCloseable {

    /** The most restarts allowed within {@link #RESTART_WINDOW} (issue 7: at most 3 a minute). */
    public static final int MAX_RESTARTS = 3;

    /** The window of the restart limit. */
    public static final Duration RESTART_WINDOW = Duration.ofMinutes(1);

    private static final Logger log = LoggerFactory.getLogger(HyperdSupervisor.class);
    private static final Pattern TCP_DESCRIPTOR = Pattern.compile("tab\\.tcp://\\[?([^\\]]+?)\\]?:(\\d+)");

    /**
     * One running hyperd.
     *
     * @param generation 1 for the first start, incremented by each restart
     * @param process the hyperd process
     * @param host the host to connect to, from the descriptor
     * @param port the port to connect to, from the descriptor
     * @param descriptor the endpoint descriptor hyperd sent, e.g. {@code tab.tcp://127.0.0.1:36513}
     * @param startedAt when hyperd called back
     * @param callback the callback socket, open for hyperd's life (invariant 3)
     */
    public record Running(long generation, Process process, String host, int port, String descriptor, Instant startedAt,
            Socket callback) {}

    private final Path binary;
    private final Path logDir;
    private final Duration startTimeout;
    private final Clock clock;
    private final Object stateGuard = new Object();
    private final Deque<Instant> restartTimes = new ArrayDeque<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    // Written under stateGuard (never held across I/O), read without it.
    private volatile CompletableFuture<Running> current;
    private volatile String state = "not_started";
    private volatile String lastError = "";
    private volatile int restarts;
    private long generation;

    /**
     * @param binary the hyperd executable
     * @param logDir hyperd's {@code --log-dir}; created if missing; hyperd's stdout and stderr go to
     *        {@code hyperd.out} in it
     * @param startTimeout how long hyperd may take to call back after it was started
     */
    public HyperdSupervisor(Path binary, Path logDir, Duration startTimeout, Clock clock) {
        this.binary = requireNonNull(binary, "binary is null");
        this.logDir = requireNonNull(logDir, "logDir is null");
        this.startTimeout = requireNonNull(startTimeout, "startTimeout is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** The executable this supervisor starts. */
    public Path binary() {
        return binary;
    }

    /** {@code not_started}, {@code starting}, {@code running}, {@code restarting}, {@code failed} or {@code stopped}. */
    public String state() {
        return state;
    }

    /** Why hyperd last exited or failed to start; empty when it never did. */
    public String lastError() {
        return lastError;
    }

    /** How many times hyperd was restarted after an unexpected exit (or a failed start). */
    public int restarts() {
        return restarts;
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
     * The running hyperd, starting it if needed (invariant 4).
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
            if (future != null && !allowRestart()) {
                return future; // failed, and the restart limit says wait
            }
            if (future != null) {
                restarts++;
            }
            return launch();
        }
    }

    /** Called under stateGuard: starts a launch on a virtual thread and publishes its future. */
    private CompletableFuture<Running> launch() {
        CompletableFuture<Running> future = new CompletableFuture<>();
        long gen = ++generation;
        current = future;
        state = gen == 1 ? "starting" : "restarting";
        Thread.ofVirtual().name("hyperd-start-" + gen).start(() -> {
            try {
                Running running = start(gen);
                synchronized (stateGuard) {
                    if (closed.get() || current != future) {
                        closeQuietly(running.callback());
                        stopProcess(running.process());
                        future.completeExceptionally(new HyperdException.Unavailable("hyperd was stopped", null));
                        return;
                    }
                    state = "running";
                }
                future.complete(running);
                running.process().onExit().thenAccept(process -> exited(future, running, process.exitValue()));
            } catch (IOException | RuntimeException e) {
                synchronized (stateGuard) {
                    lastError = "start failed: " + e.getMessage();
                    state = closed.get() ? "stopped" : "failed";
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
        synchronized (stateGuard) {
            closeQuietly(running.callback());
            if (closed.get() || current != future) {
                return;
            }
            lastError = "hyperd (pid " + running.process().pid() + ") exited with code " + exitCode + " after "
                    + Duration.between(running.startedAt(), clock.instant()).toSeconds() + " s; see " + logDir;
            log.warn("{}", lastError);
            if (allowRestart()) {
                restarts++;
                launch();
            } else {
                state = "failed";
                current = CompletableFuture.failedFuture(new HyperdException.Unavailable("hyperd exited " + (MAX_RESTARTS + 1)
                        + " times within " + RESTART_WINDOW.toSeconds() + " s; not restarting it until the minute is over."
                        + " Last: " + lastError, null));
                log.error("hyperd restarted {} times within {}; giving up for now", MAX_RESTARTS, RESTART_WINDOW);
            }
        }
    }

    /** Under stateGuard: whether one more restart fits the limit; records it when it does. */
    private boolean allowRestart() {
        Instant now = clock.instant();
        while (!restartTimes.isEmpty() && !restartTimes.peekFirst().isAfter(now.minus(RESTART_WINDOW))) {
            restartTimes.removeFirst();
        }
        if (restartTimes.size() >= MAX_RESTARTS) {
            return false;
        }
        restartTimes.addLast(now);
        return true;
    }

    private Running start(long gen) throws IOException {
        Files.createDirectories(logDir);
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            List<String> command = new ArrayList<>(List.of(binary.toString(), "run",
                    "--callback-connection", "tab.tcp://127.0.0.1:" + listener.getLocalPort(),
                    "--listen-connection", "tab.tcp://localhost:0",
                    "--init-user=tableau_internal_user", "--no-password", "--skip-license",
                    "--log-dir", logDir.toString()));
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logDir.resolve("hyperd.out").toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
            try {
                Socket socket = acceptCallback(listener, process);
                String descriptor = readDescriptor(socket);
                Matcher matcher = TCP_DESCRIPTOR.matcher(descriptor);
                if (!matcher.matches()) {
                    socket.close();
                    throw new IOException("hyperd called back with an endpoint mcpd cannot use: '" + descriptor + "'");
                }
                log.info("hyperd {} started: pid {}, endpoint {}", gen, process.pid(), descriptor);
                return new Running(gen, process, matcher.group(1), Integer.parseInt(matcher.group(2)), descriptor,
                        clock.instant(), socket);
            } catch (IOException | RuntimeException e) {
                stopProcess(process);
                throw e;
            }
        }
    }

    private Socket acceptCallback(ServerSocket listener, Process process) throws IOException {
        long giveUp = System.nanoTime() + startTimeout.toNanos();
        listener.setSoTimeout(100);
        while (true) {
            try {
                Socket socket = listener.accept();
                socket.setSoTimeout((int) Math.max(1, startTimeout.toMillis()));
                return socket;
            } catch (SocketTimeoutException e) {
                if (!process.isAlive()) {
                    throw new IOException("hyperd exited with code " + process.exitValue() + " before calling back; see "
                            + logDir.resolve("hyperd.out"));
                }
                if (System.nanoTime() > giveUp) {
                    throw new IOException("hyperd did not call back within " + startTimeout.toMillis() + " ms");
                }
            }
        }
    }

    /** Invariant 2: one length byte, then that many bytes of descriptor ending in NUL. */
    static String readDescriptor(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        int length = in.read();
        if (length <= 0) {
            throw new IOException("hyperd closed the callback connection before sending its endpoint");
        }
        byte[] bytes = new byte[length];
        new DataInputStream(in).readFully(bytes);
        int end = bytes.length;
        while (end > 0 && bytes[end - 1] == 0) {
            end--;
        }
        return new String(bytes, 0, end, StandardCharsets.UTF_8);
    }

    /** Stops hyperd (invariant 6); idempotent. */
    @Override
    public void close() {
        CompletableFuture<Running> future;
        synchronized (stateGuard) {
            if (!closed.compareAndSet(false, true)) {
                return;
            }
            future = current;
            state = "stopped";
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
            stopProcess(running.process());
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            log.debug("closing hyperd's callback socket failed", e);
        }
    }

    private void stopProcess(Process process) {
        try {
            if (process.waitFor(2, TimeUnit.SECONDS)) {
                return;
            }
            log.warn("hyperd (pid {}) still runs 2 s after its callback socket closed; sending SIGTERM", process.pid());
            process.destroy();
            if (!process.waitFor(2, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(2, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
