package dev.mcpd.adapter.secondary.hyperd;

import static java.util.Objects.requireNonNull;

import dev.mcpd.domain.error.HyperdException;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.newsclub.net.unix.AFUNIXServerSocket;
import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts, watches, restarts and stops one hyperd process (B-B3, B-E1, B-E3).
 *
 * <p>Protocol (hyperd's callback connection), as numbered invariants:
 * <ol>
 *   <li>Every endpoint is a Unix-domain socket in a private directory, so that no other local user can reach hyperd
 *       (review finding 1: on loopback TCP with no password any local user ran SQL as the owner) or pose as it
 *       (review finding 15): {@code <run dir>/<our pid>}, mode 0700 inside {@code <run dir>} (0700, chmod'ed by us, so
 *       owned by us, and not a symlink). Where that path is too long for {@code sun_path} or cannot be written in
 *       hyperd's {@code tab.domain://<dir>/domain/<name>} form, a fresh 0700 directory under {@code java.io.tmpdir}
 *       is used instead (ADR 0013). Directories of dead pids are removed on the first start.
 *   <li>The supervisor listens on {@code <dir>/callback-<generation>} and starts
 *       {@code hyperd run --callback-connection tab.domain://<dir>/domain/callback-<g> --listen-connection
 *       tab.domain://<dir>/domain/.s.PGSQL.<g> --init-user=tableau_internal_user --no-password --skip-license
 *       --log-dir <dir> --hard-concurrent-query-thread-limit=<pool size + cores>} (the last one only when this hyperd
 *       knows the setting: with hyperd's default of 1.5 threads a core, a client's {@code SELECT 1} waited 40 s
 *       behind another client's slow statements, measured; review finding 12).
 *   <li>hyperd connects to the callback socket and sends one length byte N, then N bytes: its endpoint descriptor,
 *       NUL-terminated (N counts the NUL). A connection whose peer (SO_PEERCRED) is not the child process is dropped
 *       and the supervisor goes on waiting; a descriptor other than the endpoint hyperd was told to listen on fails
 *       the start (review finding 15). The callback socket file is removed once hyperd called back.
 *   <li>The supervisor keeps that callback connection open for hyperd's whole life; closing it makes hyperd exit.
 *       This is a dead-man's switch: when the daemon dies, even by SIGKILL, the kernel closes the socket and hyperd
 *       exits, so no hyperd is ever orphaned.
 *   <li>Start is lazy and shared: the first {@link #running} starts hyperd; concurrent callers wait for the same start,
 *       each only until its own deadline. No lock is held while waiting.
 *   <li>When hyperd exits unexpectedly it is restarted at once, at most {@link #MAX_RESTARTS} times within
 *       {@link #RESTART_WINDOW}; past that the supervisor reports {@code failed} until the window allows another start,
 *       which the next call then makes.
 *   <li>{@link #close()} closes the callback socket, waits up to 2 s for hyperd to exit, then sends SIGTERM, then
 *       SIGKILL, then removes its socket directory; it is idempotent.
 * </ol>
 */
public final class HyperdSupervisor implements AutoCloseable {

    /** The most restarts allowed within {@link #RESTART_WINDOW} (issue 7: at most 3 a minute). */
    public static final int MAX_RESTARTS = 3;

    /** The window of the restart limit. */
    public static final Duration RESTART_WINDOW = Duration.ofMinutes(1);

    /** The longest path {@code sun_path} holds on Linux, in bytes (108 with the terminating NUL). */
    static final int SUN_PATH_MAX = 107;

    /** hyperd's setting for the most worker threads of all queries together (see invariant 2). */
    static final String THREAD_LIMIT_SETTING = "hard_concurrent_query_thread_limit";

    private static final Logger log = LoggerFactory.getLogger(HyperdSupervisor.class);
    private static final String LONGEST_NAME = ".s.PGSQL.9999999999";
    private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));

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
    private final Path runDir;
    private final int poolSize;
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

    // Written only by the one start in progress (starts are serial: invariant 5), read by close() after it.
    private volatile Path socketDir;
    private volatile boolean socketDirIsTemporary;
    private volatile Boolean knowsThreadLimit;

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
        this.runDir = config.runDir();
        this.poolSize = config.poolSize();
        this.startTimeout = config.startTimeout();
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
        deleteQuietly(running.socket()); // a killed hyperd leaves its socket and pid file behind
        deleteQuietly(running.socket().resolveSibling(running.socket().getFileName() + ".pid"));
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
        Path dir = socketDir();
        Path socket = dir.resolve(".s.PGSQL." + gen);
        Path callbackPath = dir.resolve("callback-" + gen);
        String endpoint = descriptor(dir, socket.getFileName().toString());
        for (Path stale : List.of(socket, callbackPath, dir.resolve(socket.getFileName() + ".pid"))) {
            Files.deleteIfExists(stale);
        }
        try (AFUNIXServerSocket listener = AFUNIXServerSocket.newInstance()) {
            listener.bind(AFUNIXSocketAddress.of(callbackPath), 4);
            List<String> command = new ArrayList<>(List.of(binary.toString(), "run",
                    "--callback-connection", descriptor(dir, callbackPath.getFileName().toString()),
                    "--listen-connection", endpoint,
                    "--init-user=tableau_internal_user", "--no-password", "--skip-license",
                    "--log-dir", logDir.toString()));
            if (knowsThreadLimit()) {
                command.add("--" + THREAD_LIMIT_SETTING.replace('_', '-') + "=" + threadLimit());
            }
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logDir.resolve("hyperd.out").toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
            try {
                Socket callback = acceptCallback(listener, process);
                Files.deleteIfExists(callbackPath); // invariant 3: nobody needs it any more
                String descriptor = readDescriptor(callback);
                if (!descriptor.equals(endpoint)) {
                    callback.close();
                    throw new IOException("hyperd called back with the endpoint '" + descriptor + "', not the one it was "
                            + "told to listen on ('" + endpoint + "'); not using it");
                }
                log.info("hyperd {} started: pid {}, endpoint {}", gen, process.pid(), descriptor);
                return new Running(gen, process, socket, descriptor, clock.instant(), callback);
            } catch (IOException | RuntimeException e) {
                stopProcess(process);
                throw e;
            }
        } finally {
            Files.deleteIfExists(callbackPath);
        }
    }

    /** hyperd's form of a Unix-domain endpoint: the directory, {@code /domain/}, the socket's name. */
    static String descriptor(Path dir, String name) {
        return "tab.domain://" + dir + "/domain/" + name;
    }

    /** hyperd's worker threads for all queries: one for each pooled statement, plus one a core (invariant 2). */
    private int threadLimit() {
        return poolSize + Runtime.getRuntime().availableProcessors();
    }

    /** Whether this hyperd has {@link #THREAD_LIMIT_SETTING}: an unknown setting makes hyperd refuse to start. */
    private boolean knowsThreadLimit() {
        Boolean known = knowsThreadLimit;
        if (known == null) {
            known = hasSetting(binary, THREAD_LIMIT_SETTING);
            if (!known) {
                log.warn("hyperd {} has no setting {}: one client's slow statements may delay another client's "
                        + "(review finding 12)", binary, THREAD_LIMIT_SETTING);
            }
            knowsThreadLimit = known;
        }
        return known;
    }

    /** Whether {@code hyperd --settings} lists {@code setting}; false when it cannot tell within 10 s. */
    static boolean hasSetting(Path binary, String setting) {
        try {
            Process settings = new ProcessBuilder(binary.toString(), "--settings")
                    .redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
            CompletableFuture<Boolean> listed = CompletableFuture.supplyAsync(() -> {
                try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(settings.getInputStream(),
                        StandardCharsets.UTF_8)).lines()) {
                    return lines.anyMatch(line -> line.startsWith(setting + " ") || line.startsWith(setting + "|"));
                }
            }, task -> Thread.ofVirtual().name("hyperd-settings").start(task));
            try {
                return listed.get(10, TimeUnit.SECONDS);
            } finally {
                settings.destroyForcibly();
            }
        } catch (IOException | ExecutionException | TimeoutException e) {
            log.debug("cannot list hyperd's settings: {}", e.toString());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Invariant 1: this process's private socket directory, made on the first start. */
    private Path socketDir() throws IOException {
        Path dir = socketDir;
        if (dir != null && Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return dir;
        }
        Path preferred = runDir.toAbsolutePath().normalize().resolve(Long.toString(ProcessHandle.current().pid()));
        if (usableForHyperd(preferred)) {
            try {
                privateDirectory(runDir.toAbsolutePath().normalize());
                removeDeadProcessesDirectories(preferred.getParent());
                deleteTree(preferred); // our pid's: a leftover of a dead process that had it before us
                privateDirectory(preferred);
                socketDir = preferred;
                socketDirIsTemporary = false;
                return preferred;
            } catch (UnsupportedOperationException e) {
                throw new HyperdException.Unavailable("hyperd's sockets need a private directory, and this file system "
                        + "has no POSIX permissions (" + runDir + ")", e);
            }
        }
        Path temporary;
        try {
            temporary = Files.createTempDirectory("mcpd-hyperd-", OWNER_ONLY).toAbsolutePath();
        } catch (UnsupportedOperationException e) {
            throw new HyperdException.Unavailable("hyperd's sockets need a private directory, and this file system "
                    + "has no POSIX permissions", e);
        }
        if (!usableForHyperd(temporary)) {
            deleteTree(temporary);
            throw new HyperdException.Unavailable("neither " + preferred + " nor " + temporary + " can hold hyperd's "
                    + "socket (longer than " + SUN_PATH_MAX + " bytes, or containing ',' or '/domain/'): set "
                    + "MCPD_STATE_DIR to a shorter directory", null);
        }
        log.info("{} cannot hold hyperd's socket (longer than {} bytes, or containing ',' or '/domain/'); using {} "
                + "instead (ADR 0013)", preferred, SUN_PATH_MAX, temporary);
        socketDir = temporary;
        socketDirIsTemporary = true;
        return temporary;
    }

    /**
     * Whether hyperd can listen in {@code dir}: its socket path fits {@code sun_path}, and the directory can be
     * written in {@code tab.domain://<dir>/domain/<name>} (hyperd splits at the first {@code /domain/}, and a
     * {@code --listen-connection} is a comma-separated list; both found by experiment with hyperd 0.7.3).
     */
    static boolean usableForHyperd(Path dir) {
        String text = dir.toString();
        return dir.resolve(LONGEST_NAME).toString().getBytes(StandardCharsets.UTF_8).length <= SUN_PATH_MAX
                && !(text + "/").contains("/domain/") && !text.contains(",");
    }

    /** Creates {@code dir} as 0700 if missing, then makes it 0700: only its owner may, so this also checks it is ours. */
    private static void privateDirectory(Path dir) throws IOException {
        if (Files.isSymbolicLink(dir)) {
            throw new IOException(dir + " is a symbolic link; hyperd's sockets need a real directory owned by this user");
        }
        Files.createDirectories(dir.getParent());
        try {
            Files.createDirectory(dir, OWNER_ONLY);
        } catch (FileAlreadyExistsException e) {
            // made earlier; the chmod below checks that it is ours
        }
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(dir + " is not a directory");
        }
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    }

    /** Removes the socket directories of processes that no longer run (a daemon that was killed leaves its own). */
    private static void removeDeadProcessesDirectories(Path runDir) {
        try (Stream<Path> entries = Files.list(runDir)) {
            for (Path entry : entries.toList()) {
                String name = entry.getFileName().toString();
                if (name.chars().allMatch(Character::isDigit) && !name.isEmpty()
                        && ProcessHandle.of(Long.parseLong(name)).isEmpty()) {
                    deleteTree(entry);
                }
            }
        } catch (IOException | NumberFormatException e) {
            log.debug("cleaning up {}: {}", runDir, e.toString());
        }
    }

    /** Deletes a socket directory and what is in it (sockets and pid files, no subdirectories); best effort. */
    private static void deleteTree(Path dir) {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path entry : entries.toList()) {
                Files.deleteIfExists(entry);
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            log.debug("removing {}: {}", dir, e.toString());
        }
    }

    /** Invariant 3: the first connection from the child itself; a connection from any other process is dropped. */
    private Socket acceptCallback(AFUNIXServerSocket listener, Process process) throws IOException {
        long giveUp = System.nanoTime() + startTimeout.toNanos();
        listener.setSoTimeout(100);
        while (true) {
            try {
                AFUNIXSocket socket = listener.accept();
                long peer = socket.getPeerCredentials().getPid();
                if (peer != process.pid()) {
                    log.warn("process {} connected to hyperd's callback socket, which only hyperd (pid {}) may use; "
                            + "dropped it (review finding 15)", peer, process.pid());
                    socket.close();
                    continue;
                }
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

    /** Invariant 3: one length byte, then that many bytes of descriptor ending in NUL. */
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
        Path dir = socketDir;
        if (dir != null) {
            deleteTree(dir); // invariant 7
        }
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
