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
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The driver of the proxy features ({@code cold_start}, {@code host_exit}, {@code proxy_survives_daemon_restart}):
 * real {@code bin/mcpd serve --mcp} processes with the minimal environment a host gives, a private state dir,
 * real daemons. Everything it starts it ends, by pid.
 */
public final class ProxyWorld {

    private static final Path ROOT = Path.of(System.getProperty("mcpd.root", "..")).toAbsolutePath().normalize();
    static final JacksonJsonCodec CODEC = new JacksonJsonCodec();

    private final Map<String, String> env = new LinkedHashMap<>();
    private final List<Proxy> proxies = new CopyOnWriteArrayList<>();
    private final List<Process> others = new CopyOnWriteArrayList<>();
    private final AtomicInteger ids = new AtomicInteger(100);
    private Path stateDir;
    private FakeDaemon fake;

    public void start() throws IOException {
        stateDir = Files.createTempDirectory(Path.of("/tmp"), "mcpd-proxy-bdd-");
        for (String key : List.of("HOME", "LOGNAME", "PATH", "SHELL", "TERM", "USER")) {
            if (System.getenv(key) != null) {
                env.put(key, System.getenv(key));
            }
        }
        env.put("MCPD_STATE_DIR", stateDir.toString());
        env.put("MCPD_ENGINES", "diagnostics");
        env.put("MCPD_DAEMON_IDLE_TIMEOUT", "60s");
        env.put("MCPD_CONNECT_TIMEOUT", "60s");
    }

    public void set(String key, String value) {
        env.put(key, value);
    }

    public Path stateDir() {
        return stateDir;
    }

    // ---- proxies ----

    /** A running {@code mcpd serve --mcp}, its stdin held by this test, its stdout read line by line. */
    public final class Proxy {
        final Process process;
        final OutputStream stdin;
        final List<Map<String, Object>> messages = new CopyOnWriteArrayList<>();
        final Path stderr;
        /** A number printed on stdout (a host shell prints its proxy's pid first). */
        volatile long announcedPid;

        Proxy(Process process, Path stderr) {
            this.process = process;
            this.stdin = process.getOutputStream();
            this.stderr = stderr;
            Thread.ofVirtual().name("proxy-stdout-" + process.pid()).start(() -> {
                try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), UTF_8))) {
                    String line;
                    while ((line = out.readLine()) != null) {
                        byte[] bytes = line.getBytes(UTF_8);
                        Object parsed = CODEC.parse(bytes, 0, bytes.length);
                        if (parsed instanceof Number n) {
                            announcedPid = n.longValue();
                        } else {
                            messages.add(Json.asObject(parsed));
                        }
                    }
                } catch (IOException | RuntimeException e) {
                    // the proxy ended
                }
            });
        }

        public long pid() {
            return process.pid();
        }

        public synchronized void send(Map<String, Object> message) throws IOException {
            stdin.write(CODEC.write(message));
            stdin.write('\n');
            stdin.flush();
        }

        /** Sends a request and returns its id. */
        public int request(String method, Map<String, Object> params) throws IOException {
            int id = ids.incrementAndGet();
            send(Json.object("jsonrpc", "2.0", "id", id, "method", method, "params", params));
            return id;
        }

        public int callTool(String tool, Map<String, Object> arguments) throws IOException {
            return request("tools/call", Json.object("name", tool, "arguments", arguments));
        }

        public List<Map<String, Object>> responsesTo(int id) {
            return messages.stream().filter(m -> m != null && !m.containsKey("method") && m.get("id") instanceof Number n
                    && n.intValue() == id).toList();
        }

        /** The response to {@code id}, waiting at most {@code within}; empty if none came. */
        public Optional<Map<String, Object>> awaitResponse(int id, Duration within) throws InterruptedException {
            long until = System.nanoTime() + within.toNanos();
            while (System.nanoTime() < until) {
                List<Map<String, Object>> found = responsesTo(id);
                if (!found.isEmpty()) {
                    return Optional.of(found.getFirst());
                }
                Thread.sleep(5);
            }
            return Optional.empty();
        }

        /** Initializes the MCP session, as a host does first. */
        public void initialize() throws IOException, InterruptedException {
            int id = request("initialize", Json.object("protocolVersion", "2025-06-18", "capabilities", Map.of(),
                    "clientInfo", Json.object("name", "bdd", "version", "1")));
            awaitResponse(id, Duration.ofSeconds(60)).orElseThrow(() -> new IllegalStateException("no initialize answer"));
            send(Json.object("jsonrpc", "2.0", "method", "notifications/initialized"));
        }

        /** {@code daemon_status} through this proxy: who serves the session. */
        public Map<String, Object> status(Duration within) throws IOException, InterruptedException {
            int id = callTool("daemon_status", Map.of());
            Map<String, Object> response = awaitResponse(id, within)
                    .orElseThrow(() -> new IllegalStateException("no daemon_status answer within " + within));
            return Json.asObject(Json.asObject(response.get("result")).get("structuredContent"));
        }

        public String stderrText() throws IOException {
            return Files.exists(stderr) ? Files.readString(stderr) : "";
        }

        public void closeStdin() throws IOException {
            stdin.close();
        }

        public boolean awaitExit(Duration within) throws InterruptedException {
            return process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    public Proxy startProxy() throws IOException {
        return startProxy(env);
    }

    /** A proxy started with more arguments, e.g. {@code --connect tcp://…}. */
    public Proxy startProxy(String... serveArgs) throws IOException {
        return startProxy(env, serveArgs);
    }

    private Proxy startProxy(Map<String, String> environment, String... serveArgs) throws IOException {
        List<String> command = new ArrayList<>(List.of(ROOT.resolve("bin/mcpd").toString(), "serve", "--mcp"));
        command.addAll(List.of(serveArgs));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().clear();
        builder.environment().putAll(environment);
        Path stderr = stateDir.resolve("proxy-stderr-" + System.nanoTime() + ".txt");
        builder.redirectError(stderr.toFile());
        Proxy proxy = new Proxy(builder.start(), stderr);
        proxies.add(proxy);
        return proxy;
    }

    /** Starts {@code n} proxies as close to the same instant as this JVM can: one thread each, released together. */
    public List<Proxy> startProxiesTogether(int n) throws InterruptedException {
        CountDownLatch ready = new CountDownLatch(n);
        CountDownLatch go = new CountDownLatch(1);
        List<Proxy> started = new CopyOnWriteArrayList<>();
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
     * sibling would) and prints the proxy's pid. Returns the host's side: stdin and stdout are the proxy's, its
     * process is the host's, {@link Proxy#announcedPid} the proxy's.
     */
    public Proxy startHostWithProxy() throws IOException {
        ProcessBuilder builder = new ProcessBuilder("bash", "-c",
                "exec 3<&0; \"$0\" serve --mcp <&3 3<&- & echo $!; wait", ROOT.resolve("bin/mcpd").toString());
        builder.environment().clear();
        builder.environment().putAll(env);
        builder.redirectError(stateDir.resolve("host-stderr.txt").toFile());
        Process host = builder.start();
        others.add(host);
        return new Proxy(host, stateDir.resolve("host-stderr.txt"));
    }

    /** Starts a plain process standing in for a host ({@code sleep}); the caller kills it. */
    public Process startStandIn() throws IOException {
        Process p = new ProcessBuilder("sleep", "600").start();
        others.add(p);
        return p;
    }

    // ---- daemons ----

    public Optional<DaemonRecord> record() {
        return new FileStateDirectory(stateDir).readRecord();
    }

    /** The pids of the daemon processes of this scope ({@code mcpd daemon run} with this state dir). */
    public List<Long> daemonProcesses() {
        List<Long> found = new ArrayList<>();
        try (var dirs = Files.list(Path.of("/proc"))) {
            for (Path dir : dirs.filter(d -> d.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    String raw = Files.readString(dir.resolve("cmdline"));
                    String cmdline = raw.replace('\0', ' ');
                    if (!cmdline.contains("dev.mcpd.bootstrap.Main daemon run") && !cmdline.contains(" daemon run")) {
                        continue;
                    }
                    // the JVM only: the launcher's waiting `sh -c 'setsid "$@"' … daemon run` carries the same words
                    // (ADR 0012) but is not a daemon
                    String program = raw.split("\0", 2)[0];
                    if (!program.equals("java") && !program.endsWith("/java")) {
                        continue;
                    }
                    String environ = Files.readString(dir.resolve("environ"));
                    if (List.of(environ.split("\0")).contains("MCPD_STATE_DIR=" + stateDir)) {
                        found.add(Long.parseLong(dir.getFileName().toString()));
                    }
                } catch (IOException | RuntimeException e) {
                    // the process ended or is not ours
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return found;
    }

    public int mcpd(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(ROOT.resolve("bin/mcpd").toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().clear();
        builder.environment().putAll(env);
        Process p = builder.start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("mcpd " + String.join(" ", args) + " did not finish");
        }
        return p.exitValue();
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
        fake = new FakeDaemon(stateDir, version);
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
        Path into = Path.of("target", "failed-scenarios", scenario.replaceAll("[^A-Za-z0-9_-]", "_") + "-" + System.nanoTime());
        Files.createDirectories(into);
        try (var files = Files.list(stateDir)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".log") || f.toString().endsWith(".txt")).toList()) {
                Files.copy(f, into.resolve(f.getFileName()));
            }
        }
    }

    public void cleanUp() throws IOException, InterruptedException {
        if (stateDir == null) {
            return;
        }
        for (Proxy proxy : proxies) {
            proxy.process.destroyForcibly();
        }
        for (Process other : others) {
            other.descendants().forEach(ProcessHandle::destroyForcibly);
            other.destroyForcibly();
        }
        if (fake != null) {
            fake.close();
            Files.deleteIfExists(stateDir.resolve("daemon.json"));
            Files.deleteIfExists(stateDir.resolve("daemon.sock"));
        }
        for (Proxy proxy : proxies) {
            proxy.process.waitFor(10, TimeUnit.SECONDS);
        }
        for (long pid : daemonProcesses()) {
            kill(pid, "TERM"); // the daemon's ordered shutdown (B-E1), without starting a CLI JVM per scenario
        }
        long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!daemonProcesses().isEmpty() && System.nanoTime() < until) {
            Thread.sleep(50);
        }
        for (long pid : daemonProcesses()) {
            kill(pid, "KILL");
        }
        try (var files = Files.walk(stateDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
