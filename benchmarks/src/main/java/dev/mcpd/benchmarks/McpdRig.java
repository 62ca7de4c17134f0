package dev.mcpd.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpd.testing.McpdScope;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

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
    private final McpdScope scope;
    private final List<Process> started = new ArrayList<>();

    /**
     * @param root the repository root (holds {@code bootstrap/target/mcpd.jar})
     * @param settings {@code MCPD_*} settings for every proxy this rig starts (the first one configures the daemon)
     */
    McpdRig(Path root, Map<String, String> settings) throws IOException {
        this.root = root;
        this.scope = McpdScope.create(root, "mcpd-chaos-").launchByJar()
                .env("MCPD_LOG_LEVEL", System.getenv().getOrDefault("MCPD_BENCH_LOG_LEVEL", "warn")).env(settings);
        this.stateDir = scope.stateDir();
    }

    Path record() {
        return stateDir.resolve("daemon.json");
    }

    Path socket() {
        return stateDir.resolve("daemon.sock");
    }

    /** Starts a real proxy ({@code mcpd serve --mcp}) with this rig's environment plus {@code extra}. */
    Process startProxy(Map<String, String> extra, String name) throws IOException {
        return track(scope.builder(scope.command("serve", "--mcp"), extra)
                .redirectError(stateDir.resolve(name + ".err").toFile()).start());
    }

    /** Starts any helper process (a stand-in host, a python client) and remembers it for {@link #close()}. */
    Process start(List<String> command) throws IOException {
        return track(new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start());
    }

    private Process track(Process p) {
        started.add(p);
        return p;
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
            if (p != 0 && p != not && Procfs.alive(p) && Files.exists(socket())) {
                pid[0] = p;
                return true;
            }
            return false;
        });
        return pid[0];
    }

    /** Waits (polling every 10 ms) at most {@code timeout} for {@code condition}; whether it became true. */
    static boolean await(Duration timeout, BooleanSupplier condition) {
        try {
            Awaitility.await().atMost(timeout).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10))
                    .until(condition::getAsBoolean);
            return true;
        } catch (ConditionTimeoutException e) {
            return false;
        }
    }

    /** Live processes of this rig (their command line or environment names its state dir), except {@code except}. */
    List<Long> processesOfThisRig(Set<Long> except) {
        return Procfs.naming(stateDir.toString(), except);
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
            var in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
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
        if (Procfs.alive(daemon)) {
            Procfs.signal(daemon, "TERM");
            await(Duration.ofSeconds(15), () -> !Procfs.alive(daemon));
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
    public void close() throws InterruptedException {
        if (System.getenv("MCPD_BENCH_KEEP") != null) {
            System.err.println("kept " + stateDir);
            return;
        }
        scope.close();
    }

    /**
     * Closes {@code c} on another thread and waits at most 1 s: a stream whose writer is blocked on a peer that
     * stopped reading holds its lock, and the harness must not hang on it (the row reports the hang instead).
     */
    static void closeQuietly(Closeable c) {
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
