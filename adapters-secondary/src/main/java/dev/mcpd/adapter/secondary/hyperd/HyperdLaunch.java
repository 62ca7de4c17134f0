package dev.mcpd.adapter.secondary.hyperd;

import static java.util.Objects.requireNonNull;

import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.newsclub.net.unix.AFUNIXServerSocket;
import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts one hyperd process and waits for its callback; stops one (invariants 2, 3 and 7 of {@link HyperdSupervisor}).
 * hyperd's stdout and stderr go to {@code hyperd.out} in the log directory.
 */
final class HyperdLaunch {

    /** hyperd's setting for the most worker threads of all queries together (invariant 2 of the supervisor). */
    static final String THREAD_LIMIT_SETTING = "hard_concurrent_query_thread_limit";

    private static final Logger log = LoggerFactory.getLogger(HyperdLaunch.class);
    private static final File NO_INPUT = new File("/dev/null");

    private final Path binary;
    /** Its log directory, pool size (for the thread limit) and start timeout. */
    private final PgWireHyperdClientConfig config;
    private final Clock clock;
    private final SocketDirectory sockets;
    // Written only by the one start in progress (starts are serial).
    private volatile Boolean knowsThreadLimit;

    HyperdLaunch(Path binary, PgWireHyperdClientConfig config, Clock clock) {
        this.config = requireNonNull(config, "config is null");
        this.sockets = new SocketDirectory(config.runDir());
        this.binary = requireNonNull(binary, "binary is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /**
     * Starts hyperd generation {@code gen} and waits up to the start timeout for it to call back (invariants 2 and 3).
     *
     * @throws IOException when hyperd cannot be started, exits or stays silent before calling back, or calls back
     *         with an endpoint other than the one it was told to listen on (hyperd is stopped then)
     */
    HyperdSupervisor.Running start(long gen) throws IOException {
        Path logDir = config.logDir();
        Files.createDirectories(logDir);
        Path dir = sockets.get();
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
                    "--init-user=" + HyperdPool.USER, "--no-password", "--skip-license",
                    "--log-dir", logDir.toString()));
            if (knowsThreadLimit()) {
                command.add("--" + THREAD_LIMIT_SETTING.replace('_', '-') + "=" + threadLimit());
            }
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logDir.resolve("hyperd.out").toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(NO_INPUT))
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
                return new HyperdSupervisor.Running(gen, process, socket, descriptor, clock.instant(), callback);
            } catch (IOException | RuntimeException e) {
                stop(process);
                throw e;
            }
        } finally {
            Files.deleteIfExists(callbackPath);
        }
    }

    /** Removes the socket directory (invariant 7 of the supervisor); call once no hyperd runs. */
    void deleteSockets() {
        sockets.delete();
    }

    /** hyperd's form of a Unix-domain endpoint: the directory, {@code /domain/}, the socket's name. */
    static String descriptor(Path dir, String name) {
        return "tab.domain://" + dir + "/domain/" + name;
    }

    /** hyperd's worker threads for all queries: one for each pooled statement, plus one a core (invariant 2). */
    private int threadLimit() {
        return config.poolSize() + Runtime.getRuntime().availableProcessors();
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
                    .redirectInput(ProcessBuilder.Redirect.from(NO_INPUT))
                    .start();
            CompletableFuture<Boolean> listed = CompletableFuture.supplyAsync(() -> {
                try (Stream<String> lines = new BufferedReader(new InputStreamReader(settings.getInputStream(),
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

    /** Invariant 3: the first connection from the child itself; a connection from any other process is dropped. */
    private Socket acceptCallback(AFUNIXServerSocket listener, Process process) throws IOException {
        Duration startTimeout = config.startTimeout();
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
                            + config.logDir().resolve("hyperd.out"));
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

    /** Invariant 7: waits 2 s for hyperd to exit (its callback socket is closed), then SIGTERM, then SIGKILL. */
    static void stop(Process process) {
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
