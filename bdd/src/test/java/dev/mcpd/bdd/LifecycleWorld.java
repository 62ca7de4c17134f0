package dev.mcpd.bdd;

import static org.awaitility.Awaitility.await;

import dev.mcpd.testing.LineClient;
import dev.mcpd.testing.McpdProcess;
import dev.mcpd.testing.McpdScope;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The driver of the lifecycle features: a real daemon ({@code bin/mcpd daemon run}) in a private state dir with the
 * minimal host environment, real proxies ({@code bin/mcpd serve --mcp}), raw clients on the daemon's Unix socket,
 * real host processes ({@code sleep}) and phantom clients whose socket outlives the process that opened it
 * ({@code phantom-client.pl}). Everything it starts is ended afterwards, by pid.
 */
public final class LifecycleWorld {

    private static final Duration START = Duration.ofSeconds(60);

    private final List<Process> processes = new ArrayList<>();
    private final List<Long> strays = new ArrayList<>();
    private final List<LineClient> clients = new ArrayList<>();
    private McpdScope scope;
    private Path stateDir;
    private Process daemon;
    private long stopSent;
    private Duration stopTook;

    public void prepare() throws IOException {
        scope = McpdScope.create("mcpd-life-").env("MCPD_ENGINES", "diagnostics").env("MCPD_LOG_LEVEL", "debug")
                .env("MCPD_DAEMON_IDLE_TIMEOUT", "60s");
        stateDir = scope.stateDir();
    }

    public void set(String key, String value) {
        scope.env(key, value);
    }

    /** Starts {@code mcpd daemon run} and waits until it has published its record and socket. */
    public void startDaemon() throws IOException {
        daemon = scope.track(scope.builder("daemon", "run").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(stateDir.resolve("daemon-run.out").toFile())).start());
        await().atMost(START).until(() -> !daemon.isAlive()
                || (Files.exists(stateDir.resolve("daemon.json")) && Files.exists(stateDir.resolve("daemon.sock"))));
        if (!daemon.isAlive()) {
            throw new IllegalStateException("the daemon exited at start: " + daemonOutput());
        }
    }

    public Process daemon() {
        return daemon;
    }

    public String daemonOutput() throws IOException {
        Path out = stateDir.resolve("daemon-run.out");
        return Files.exists(out) ? Files.readString(out) : "";
    }

    public String exitHistory() throws IOException {
        Path log = stateDir.resolve("daemon-exits.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    public Path stateFile(String name) {
        return stateDir.resolve(name);
    }

    /** A host process: {@code sleep}, which the scenario may kill. */
    public Process startHost() throws IOException {
        Process host = new ProcessBuilder("sleep", "600").start();
        processes.add(host);
        return host;
    }

    /** A host process that has already exited: its pid names no process. */
    public long deadHostPid() throws Exception {
        Process host = startHost();
        host.destroyForcibly();
        host.waitFor(5, TimeUnit.SECONDS);
        return host.pid();
    }

    /** Starts a real proxy ({@code mcpd serve --mcp}) for host {@code hostPid} and initializes its session. */
    public LineClient startProxy(long hostPid) throws Exception {
        McpdProcess proxy = scope.serve(Map.of("MCPD_HOST_PID", Long.toString(hostPid)));
        LineClient session = proxy.lines();
        session.send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\","
                + "\"capabilities\":{},\"clientInfo\":{\"name\":\"mcpd-bdd\",\"version\":\"1\"}}}");
        session.awaitLine(line -> line.contains("\"id\":1"), START);
        session.send("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
        return session;
    }

    /** A raw connection to the daemon's socket, after the daemon's hello has arrived (B-W2). */
    public LineClient connect() throws Exception {
        LineClient client = scope.connect();
        clients.add(client);
        client.awaitLine(line -> line.contains("\"mcpd\""), Duration.ofSeconds(10));
        return client;
    }

    /** A raw client that says hello as this JVM, naming {@code hostPid} as its host (B-W3). */
    public LineClient connectWithHello(Long hostPid) throws Exception {
        LineClient client = connect();
        client.send("{\"mcpd_client\":1,\"pid\":" + ProcessHandle.current().pid() + ",\"hostPid\":" + hostPid + ",\"env\":{}}");
        return client;
    }

    /**
     * A phantom client: a Perl process connects; in mode {@code held} a forked grandchild keeps the socket open and the
     * connecting process waits to be killed; in mode {@code orphan} the connecting process exits at once and the
     * grandchild says hello naming it and {@code hostPid}, then creates a marker file.
     *
     * @return the connecting process
     */
    public Process startPhantom(String mode, long hostPid) throws Exception {
        Path script = stateDir.resolve("phantom-client.pl");
        if (!Files.exists(script)) {
            try (InputStream in = LifecycleWorld.class.getResourceAsStream("/lifecycle/phantom-client.pl")) {
                Files.write(script, in.readAllBytes());
            }
        }
        Path marker = stateDir.resolve("phantom-hello-sent");
        Process perl = new ProcessBuilder("perl", script.toString(), mode, stateDir.resolve("daemon.sock").toString(),
                Long.toString(hostPid), marker.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        processes.add(perl);
        LineClient out = new LineClient(perl.getInputStream(), perl.getOutputStream(), () -> {});
        String ready = out.awaitLine(line -> line.startsWith("ready "), Duration.ofSeconds(10));
        strays.add(Long.parseLong(ready.substring("ready ".length()).trim()));
        if (mode.equals("orphan")) {
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(marker));
        }
        return perl;
    }

    /** {@code daemon_status} over a raw connection of its own, which it then closes (it appears in its own answer). */
    public Map<String, Object> status() throws Exception {
        return scope.daemonStatus(Duration.ofSeconds(10));
    }

    /** The clients {@code daemon_status} lists. */
    @SuppressWarnings("unchecked")
    public static List<Map<String, Object>> clientsOf(Map<String, Object> status) {
        return (List<Map<String, Object>>) status.get("clients");
    }

    /** {@code mcpd daemon status --json}, as a person types it. */
    public Map<String, Object> statusFromTheCommandLine() throws Exception {
        McpdScope.Result status = scope.run(Duration.ofSeconds(60), "daemon", "status", "--json");
        if (status.exitCode() != 0) {
            throw new AssertionError("mcpd daemon status --json failed: " + status.stdout());
        }
        return LineClient.parseObject(status.stdout());
    }

    /** Sends SIGTERM to the daemon and remembers when. */
    public void terminateDaemon() {
        stopSent = System.nanoTime();
        daemon.destroy();
    }

    /** Waits for the daemon to exit; returns how long after SIGTERM (or now, when none was sent) it did. */
    public Duration awaitDaemonExit(Duration atMost) throws InterruptedException {
        long from = stopSent == 0 ? System.nanoTime() : stopSent;
        if (!daemon.waitFor(atMost.toNanos(), TimeUnit.NANOSECONDS)) {
            throw new AssertionError("the daemon was still running after " + atMost);
        }
        stopTook = Duration.ofNanos(System.nanoTime() - from);
        return stopTook;
    }

    public static boolean gone(long pid) {
        return ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true);
    }

    /** Ends everything the scenario started, newest first, by pid; removes the state dir. */
    public void cleanUp() throws Exception {
        clients.forEach(LineClient::close);
        for (long pid : strays) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
        List<Process> reversed = new ArrayList<>(processes);
        Collections.reverse(reversed);
        for (Process process : reversed) {
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
        if (scope != null) {
            scope.close();
        }
    }

    /** Remembers a process the daemon or a phantom started, to kill it afterwards should it still run. */
    public void track(long strayPid) {
        strays.add(strayPid);
    }

    /** The processes tracked so far (phantom socket holders, held children). */
    public List<Long> strays() {
        return List.copyOf(strays);
    }
}
