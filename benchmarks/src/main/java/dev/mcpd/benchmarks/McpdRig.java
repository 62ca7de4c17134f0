package dev.mcpd.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * One private mcpd installation for a harness run: a fresh state directory (0700, under /tmp), the environment real
 * proxies get (what a host gives an MCP server, plus the {@code MCPD_*} settings), real proxies started as
 * {@code java -jar bootstrap/target/mcpd.jar serve --mcp}, raw clients on the daemon's socket, {@code daemon.json}
 * and {@code daemon_status}, and what {@code /proc} says about the daemon (threads, fds, RSS, children).
 * Shared by the harnesses in this package; Linux only.
 */
final class McpdRig implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String INIT = "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
            + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"mcpd-bench\",\"version\":\"1\"}}}";

    final Path root;
    final Path stateDir;
    final Map<String, String> env = new LinkedHashMap<>();
    private final List<Process> started = new ArrayList<>();

    /**
     * @param root the repository root (holds {@code bootstrap/target/mcpd.jar})
     * @param settings {@code MCPD_*} settings for every proxy this rig starts (the first one configures the daemon)
     */
    McpdRig(Path root, Map<String, String> settings) throws IOException {
        this.root = root;
        this.stateDir = Files.createTempDirectory(Path.of("/tmp"), "mcpd-chaos-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        for (String key : List.of("HOME", "LOGNAME", "PATH", "SHELL", "TERM", "USER")) {
            if (System.getenv(key) != null) {
                env.put(key, System.getenv(key));
            }
        }
        env.put("MCPD_STATE_DIR", stateDir.toString());
        env.put("MCPD_LOG_LEVEL", System.getenv().getOrDefault("MCPD_BENCH_LOG_LEVEL", "warn"));
        env.putAll(settings);
    }

    Path record() {
        return stateDir.resolve("daemon.json");
    }

    Path socket() {
        return stateDir.resolve("daemon.sock");
    }

    /** Starts a real proxy ({@code mcpd serve --mcp}) with this rig's environment plus {@code extra}. */
    Process startProxy(Map<String, String> extra, String name) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(javaBin(), "--enable-native-access=ALL-UNNAMED", "-jar",
                root.resolve("bootstrap/target/mcpd.jar").toString(), "serve", "--mcp")
                .redirectError(stateDir.resolve(name + ".err").toFile());
        builder.environment().clear();
        builder.environment().putAll(env);
        builder.environment().putAll(extra);
        return track(builder.start());
    }

    /** Starts any helper process (a stand-in host, a python client) and remembers it for {@link #close()}. */
    Process start(List<String> command) throws IOException {
        return track(new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start());
    }

    private Process track(Process p) {
        started.add(p);
        return p;
    }

    static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** The pid in {@code daemon.json}, or 0 when there is none (yet) or it is being rewritten. */
    long daemonPid() {
        try {
            return Files.exists(record()) ? JSON.readTree(record().toFile()).path("pid").asLong() : 0;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** {@code daemon.json} as JSON; an empty object when unreadable. */
    JsonNode recordJson() {
        try {
            return JSON.readTree(record().toFile());
        } catch (IOException | RuntimeException e) {
            return JSON.createObjectNode();
        }
    }

    /** Waits for a live daemon named in {@code daemon.json} other than {@code not}; its pid, or 0. */
    long awaitDaemon(long not, Duration timeout) throws InterruptedException {
        long[] pid = new long[1];
        await(timeout, () -> {
            long p = daemonPid();
            if (p != 0 && p != not && alive(p) && Files.exists(socket())) {
                pid[0] = p;
                return true;
            }
            return false;
        });
        return pid[0];
    }

    /** Polls {@code condition} every 10 ms for at most {@code timeout}; whether it became true. */
    static boolean await(Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (condition.getAsBoolean()) {
                return true;
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(10);
        }
    }

    static boolean alive(long pid) {
        return pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /** {@code daemon_status}'s structured content, asked over a raw (legacy, hello-less) socket connection. */
    JsonNode status() throws IOException {
        return status(socket());
    }

    /** {@code daemon_status}'s structured content from the daemon listening on {@code socket}. */
    static JsonNode status(Path socket) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            OutputStream out = Channels.newOutputStream(channel);
            var in = new java.io.BufferedReader(new java.io.InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
            in.readLine(); // the daemon's hello
            out.write(("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"daemon_status\","
                    + "\"arguments\":{}}}\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            String line = in.readLine();
            if (line == null) {
                throw new IOException("closed");
            }
            return JSON.readTree(line).path("result").path("structuredContent");
        }
    }

    /** The proxy pids among the daemon's clients; empty when the daemon does not answer. */
    Set<Long> clientProxyPids() {
        Set<Long> pids = new HashSet<>();
        try {
            status().path("clients").forEach(c -> pids.add(c.path("proxyPid").asLong()));
        } catch (IOException | RuntimeException e) {
            // no daemon
        }
        return pids;
    }

    /** The number of the daemon's clients with a hello (a proxy pid, kernel-given or reported), from {@code daemon_status}; -1 if no answer. */
    int helloClients() {
        try {
            int[] n = {0};
            status().path("clients").forEach(c -> {
                // a TCP client's pids are only reported (review finding 10: never watched, so no proxyPid)
                if (c.path("proxyPid").asLong() > 0 || c.path("reportedProxyPid").asLong() > 0) {
                    n[0]++;
                }
            });
            return n[0];
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** A raw connection to the daemon's Unix socket, the daemon's hello read; {@code hello} sent unless null. */
    Peer rawUnix(String hello) throws IOException {
        return rawUnix(hello, true);
    }

    /** As {@link #rawUnix(String)}; with {@code read} false the connection is never read from (a stuck reader). */
    Peer rawUnix(String hello, boolean read) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        channel.connect(UnixDomainSocketAddress.of(socket()));
        Peer peer = new Peer(input(channel), output(channel), channel, true, read);
        if (hello != null) {
            peer.writeLine(hello);
        }
        return peer;
    }

    /**
     * The channel's bytes as a stream, read with {@link SocketChannel#read} directly: {@link Channels#newInputStream}
     * and {@link Channels#newOutputStream} share a lock, so a writer blocked on a full socket would keep the reader
     * from seeing the answer the daemon sent before closing.
     */
    static InputStream input(SocketChannel channel) {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return len == 0 ? 0 : channel.read(ByteBuffer.wrap(b, off, len));
            }
        };
    }

    static OutputStream output(SocketChannel channel) {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                ByteBuffer buffer = ByteBuffer.wrap(b, off, len);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
            }

            @Override
            public void close() throws IOException {
                channel.shutdownOutput();
            }
        };
    }

    /** A raw TCP connection to {@code host:port}, the daemon's hello read; {@code hello} sent unless null. */
    static Peer rawTcp(String host, int port, String hello, Socket[] socketOut) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress(host, port), 5000);
        socketOut[0] = socket;
        Peer peer = new Peer(socket.getInputStream(), socket.getOutputStream(), socket, true);
        if (hello != null) {
            peer.writeLine(hello);
        }
        return peer;
    }

    /** A client hello for a raw client ({@code hostPid} null for none). */
    static String hello(long pid, Long hostPid, String token) {
        return "{\"mcpd_client\":1,\"pid\":" + pid + ",\"hostPid\":" + hostPid + ",\"env\":{}"
                + (token == null ? "" : ",\"token\":\"" + token + "\"") + "}";
    }

    /** What {@code /proc} says about a process: threads, open fds, RSS (KiB), direct children; null if gone. */
    record Snapshot(long pid, int threads, int fds, long rssKiB, int children, Map<String, Integer> threadNames) {

        /** Thread names (digits dropped) that are more numerous here than in {@code earlier}, with the growth. */
        String growthOver(Snapshot earlier) {
            StringBuilder out = new StringBuilder();
            threadNames.forEach((name, n) -> {
                int d = n - earlier.threadNames.getOrDefault(name, 0);
                if (d > 0) {
                    out.append(out.isEmpty() ? "" : ", ").append('"').append(name).append("\" +").append(d);
                }
            });
            return out.toString();
        }
    }

    static Snapshot snapshot(long pid) {
        try {
            int threads = 0;
            long rss = 0;
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("Threads:")) {
                    threads = Integer.parseInt(line.substring(8).strip());
                } else if (line.startsWith("VmRSS:")) {
                    rss = Long.parseLong(line.substring(6).replace("kB", "").strip());
                }
            }
            int fds;
            try (Stream<Path> s = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
                fds = (int) s.count();
            }
            int children = ProcessHandle.of(pid).map(p -> (int) p.children().count()).orElse(0);
            Map<String, Integer> names = new java.util.TreeMap<>();
            try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
                for (Path task : (Iterable<Path>) tasks::iterator) {
                    try {
                        names.merge(Files.readString(task.resolve("comm")).strip().replaceAll("[0-9]+", "#"), 1, Integer::sum);
                    } catch (IOException e) {
                        // the thread ended
                    }
                }
            }
            return new Snapshot(pid, threads, fds, rss, children, names);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Runs a full GC in {@code pid} ({@code jcmd PID GC.run}), so heap growth is not mistaken for a leak. */
    static void gc(long pid) {
        try {
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    Long.toString(pid), "GC.run").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            p.waitFor(20, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException e) {
            // no GC: the numbers are then an upper bound
        }
    }

    /**
     * Live processes that belong to this rig: any whose command line or environment names the state directory
     * (proxies, the daemon, hyperd, children of engines), except {@code except}.
     */
    List<Long> processesOfThisRig(Set<Long> except) {
        List<Long> found = new ArrayList<>();
        String needle = stateDir.toString();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : (Iterable<Path>) procs::iterator) {
                String name = p.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                long pid = Long.parseLong(name);
                if (pid == ProcessHandle.current().pid() || except.contains(pid)) {
                    continue;
                }
                if (contains(p.resolve("cmdline"), needle) || contains(p.resolve("environ"), needle)) {
                    found.add(pid);
                }
            }
        } catch (IOException e) {
            // best effort
        }
        return found;
    }

    private static boolean contains(Path file, String needle) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1).contains(needle);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** The pids of live processes below {@code pid} whose command is {@code comm}. */
    static Optional<Long> descendant(long pid, String comm) {
        return ProcessHandle.of(pid).flatMap(p -> p.descendants()
                .filter(d -> d.info().command().map(c -> Path.of(c).getFileName().toString().equals(comm)).orElse(false))
                .map(ProcessHandle::pid).findFirst());
    }

    static void signal(long pid, String signal) {
        try {
            new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).start().waitFor(5, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("kill -" + signal + " " + pid + ": " + e, e);
        }
    }

    /**
     * Stops everything this rig started: closes the proxies' stdin (they exit), SIGTERMs the daemon and waits up to
     * 15 s, then SIGKILLs what is left. Returns the processes that were still alive after the orderly part (leaks).
     */
    List<Long> stopAll() throws InterruptedException {
        for (Process p : started) {
            closeQuietly(p.getOutputStream());
            if (p.info().command().map(c -> c.endsWith("sleep") || c.contains("python")).orElse(false)) {
                p.destroyForcibly();
            }
        }
        for (Process p : started) {
            p.waitFor(10, TimeUnit.SECONDS);
        }
        long daemon = daemonPid();
        if (alive(daemon)) {
            signal(daemon, "TERM");
            await(Duration.ofSeconds(15), () -> !alive(daemon));
        }
        await(Duration.ofSeconds(3), () -> processesOfThisRig(Set.of()).isEmpty());
        List<Long> leaked = processesOfThisRig(Set.of());
        for (long pid : leaked) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
        for (Process p : started) {
            p.destroyForcibly();
        }
        return leaked;
    }

    @Override
    public void close() throws IOException {
        if (System.getenv("MCPD_BENCH_KEEP") != null) {
            System.err.println("kept " + stateDir);
            return;
        }
        deleteTree(stateDir);
    }

    /**
     * Closes {@code c} on another thread and waits at most 1 s: a stream whose writer is blocked on a peer that
     * stopped reading holds its lock, and the harness must not hang on it (the row reports the hang instead).
     */
    static void closeQuietly(java.io.Closeable c) {
        Thread t = Thread.ofVirtual().start(() -> {
            try {
                c.close();
            } catch (IOException e) {
                // gone
            }
        });
        try {
            t.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
