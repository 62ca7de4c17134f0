package dev.mcpd.bdd;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.mcpd.adapter.primary.wire.JacksonJsonCodec;
import dev.mcpd.adapter.secondary.state.FileStateDirectory;
import dev.mcpd.application.daemon.HelloProtocol;
import dev.mcpd.application.mcp.Json;
import dev.mcpd.domain.model.DaemonHello;
import dev.mcpd.domain.model.DaemonRecord;
import dev.mcpd.domain.model.Endpoint;
import dev.mcpd.domain.model.Pid;
import dev.mcpd.domain.model.TransportKind;
import dev.mcpd.testing.McpdProcess;
import dev.mcpd.testing.McpdScope;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The driver of the proxy features ({@code cold_start}, {@code host_exit}, {@code proxy_survives_daemon_restart}):
 * real {@code bin/mcpd serve --mcp} processes in a private {@link McpdScope} (the minimal environment a host gives,
 * a private state dir, real daemons). Everything it starts it ends, by pid.
 */
public final class ProxyWorld {

    static final JacksonJsonCodec CODEC = new JacksonJsonCodec();

    private McpdScope scope;
    private FakeDaemon fake;

    public void start() throws IOException {
        scope = McpdScope.create("mcpd-proxy-bdd-").env("MCPD_ENGINES", "diagnostics")
                .env("MCPD_DAEMON_IDLE_TIMEOUT", "60s").env("MCPD_CONNECT_TIMEOUT", "60s");
    }

    public void set(String key, String value) {
        scope.env(key, value);
    }

    public Path stateDir() {
        return scope.stateDir();
    }

    public McpdScope scope() {
        return scope;
    }

    // ---- proxies ----

    /** A running {@code mcpd serve --mcp}, its stdin held by this test, its stdout read line by line. */
    public McpdProcess startProxy() throws IOException {
        return scope.serve();
    }

    /** A proxy started with more arguments, e.g. {@code --connect tcp://…}. */
    public McpdProcess startProxy(String... serveArgs) throws IOException {
        return scope.serve(serveArgs);
    }

    /** Starts {@code n} proxies as close to the same instant as this JVM can: one thread each, released together. */
    public List<McpdProcess> startProxiesTogether(int n) throws InterruptedException {
        CountDownLatch ready = new CountDownLatch(n);
        CountDownLatch go = new CountDownLatch(1);
        List<McpdProcess> started = new CopyOnWriteArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    ready.countDown();
                    go.await();
                    started.add(startProxy());
                } catch (IOException | InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        ready.await();
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
        return started;
    }

    /**
     * A host: a shell that starts a proxy in the background on its own stdin (held open by this test too, as a
     * sibling would) and prints the proxy's pid first. Returns the host's side: stdin and stdout are the proxy's,
     * the process is the host's; {@link #announcedPid} reads the proxy's.
     */
    public McpdProcess startHostWithProxy() throws IOException {
        return scope.adopt(scope.builder(List.of("bash", "-c", "exec 3<&0; \"$0\" serve --mcp <&3 3<&- & echo $!; wait",
                scope.root().resolve("bin/mcpd").toString()), Map.of()));
    }

    /** The pid a host shell printed before its proxy's first line. */
    public static long announcedPid(McpdProcess host, Duration within) throws InterruptedException {
        return Long.parseLong(host.lines().awaitLine(line -> line.matches("\\d+"), within));
    }

    /** Starts a plain process standing in for a host ({@code sleep}); the caller kills it. */
    public Process startStandIn() throws IOException {
        return scope.track(new ProcessBuilder("sleep", "600").start());
    }

    // ---- daemons ----

    public Optional<DaemonRecord> record() {
        return new FileStateDirectory(scope.stateDir()).readRecord();
    }

    /** The pids of the daemon processes of this scope ({@code mcpd daemon run} with this state dir). */
    public List<Long> daemonProcesses() {
        return scope.daemonPids();
    }

    public int mcpd(String... args) throws IOException, InterruptedException {
        return scope.run(Duration.ofSeconds(60), args).exitCode();
    }

    /**
     * Whether {@code pid} runs: a zombie has ended (a reparented proxy may stay a zombie for a while where pid 1
     * does not reap promptly, as in containers).
     */
    public static boolean isRunning(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            char state = stat.substring(stat.lastIndexOf(')') + 2).charAt(0);
            return state != 'Z' && state != 'X';
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    public static void kill(long pid, String signal) throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).start().waitFor(10, TimeUnit.SECONDS);
    }

    /** A daemon of another build, in this JVM: listens on the scope's socket, writes a record naming this JVM. */
    public void startFakeDaemon(String version) throws IOException {
        fake = new FakeDaemon(scope.stateDir(), version);
    }

    public FakeDaemon fake() {
        return fake;
    }

    /** Speaks the daemon hello with another version, then records every line a client sends. */
    public static final class FakeDaemon {
        final List<String> received = new CopyOnWriteArrayList<>();
        final AtomicInteger connections = new AtomicInteger();
        private final ServerSocketChannel server;

        FakeDaemon(Path stateDir, String version) throws IOException {
            Path socket = stateDir.resolve("daemon.sock");
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(socket));
            ProcessHandle self = ProcessHandle.current();
            Instant started = self.info().startInstant().orElse(null);
            new FileStateDirectory(stateDir).writeRecord(new DaemonRecord(new Pid(self.pid(), started), version,
                    "user:bdd", List.of(new Endpoint(TransportKind.UNIX_SOCKET, socket.toString())), Instant.now(), null));
            Thread.ofVirtual().name("fake-daemon").start(() -> {
                while (server.isOpen()) {
                    try {
                        SocketChannel client = server.accept();
                        connections.incrementAndGet();
                        Thread.ofVirtual().start(() -> serve(client, version));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        private void serve(SocketChannel client, String version) {
            try (client) {
                OutputStream out = Channels.newOutputStream(client);
                out.write(CODEC.write(HelloProtocol.daemonHello(new DaemonHello(version, DaemonHello.PROTOCOL,
                        ProcessHandle.current().pid(), "user:bdd"))));
                out.write('\n');
                out.flush();
                BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(client), UTF_8));
                String line;
                while ((line = in.readLine()) != null) {
                    received.add(line);
                    byte[] bytes = line.getBytes(UTF_8);
                    Map<String, Object> message = Json.asObject(CODEC.parse(bytes, 0, bytes.length));
                    Map<String, Object> params = message == null ? null : Json.asObject(message.get("params"));
                    String tool = params == null ? null : Json.asString(params.get("name"));
                    if ("daemon_status".equals(tool)) { // a daemon serving nobody but the asking proxy
                        answer(out, message.get("id"), Json.object("structuredContent", Json.object("clients", List.of())));
                    } else if ("daemon_stop".equals(tool)) {
                        stopReason = Json.asString(Json.asObject(params.get("arguments")).get("reason"));
                        answer(out, message.get("id"), Json.object("content", List.of()));
                    }
                }
            } catch (IOException e) {
                // the client went away
            }
        }

        /** The reason it was asked to stop with ({@code daemon_stop}), or null. */
        volatile String stopReason;

        private static void answer(OutputStream out, Object id, Map<String, Object> result) throws IOException {
            synchronized (out) {
                out.write(CODEC.write(Json.object("jsonrpc", "2.0", "id", id, "result", result)));
                out.write('\n');
                out.flush();
            }
        }

        /** Lines of the session: anything but a client hello and the admin calls that ask it to drain (B-W5). */
        public List<String> sessionMessages() {
            return received.stream().filter(l -> !l.contains("\"mcpd_client\"") && !l.contains("\"daemon_status\"")
                    && !l.contains("\"daemon_stop\"")).toList();
        }

        public String stopReason() {
            return stopReason;
        }

        void close() throws IOException {
            server.close();
        }
    }

    // ---- clean up ----

    /** Copies the scope's logs to {@code target/failed-scenarios/} for a failed scenario. */
    public void keepLogs(String scenario) throws IOException {
        scope.keepLogs(Path.of("target", "failed-scenarios", scenario.replaceAll("[^A-Za-z0-9_-]", "_") + "-" + System.nanoTime()));
    }

    /** Ends every proxy, host and daemon of the scenario (the daemons with SIGTERM first: their ordered shutdown, B-E1). */
    public void cleanUp() throws IOException, InterruptedException {
        if (scope == null) {
            return;
        }
        if (fake != null) {
            fake.close();
            Files.deleteIfExists(scope.file("daemon.json"));
            Files.deleteIfExists(scope.socket());
        }
        scope.close();
    }
}
