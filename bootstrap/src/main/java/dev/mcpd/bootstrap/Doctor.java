package dev.mcpd.bootstrap;

import dev.mcpd.adapter.primary.cli.CliBackend.DoctorCheck;
import dev.mcpd.adapter.primary.wire.JacksonJsonCodec;
import dev.mcpd.adapter.secondary.hyperd.HyperdBinaryLocator;
import dev.mcpd.adapter.secondary.process.ProcessDaemonLauncher;
import dev.mcpd.adapter.secondary.state.FileStateDirectory;
import dev.mcpd.application.client.DaemonToolClient;
import dev.mcpd.application.hyperd.HyperdEngine;
import dev.mcpd.application.mcp.Json;
import dev.mcpd.application.wire.LineReader;
import dev.mcpd.domain.port.JsonCodec;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** {@code mcpd doctor}: real checks, each with the fix when it fails. */
final class Doctor {

    private final McpdConfig config;
    private final McpdCli cli;

    Doctor(McpdConfig config, McpdCli cli) {
        this.config = config;
        this.cli = cli;
    }

    List<DoctorCheck> run() {
        List<DoctorCheck> checks = new ArrayList<>();
        int feature = Runtime.version().feature();
        checks.add(new DoctorCheck("java", feature >= 25, "Java " + Runtime.version() + " at " + System.getProperty("java.home"),
                "install a Java 25 JDK and set JAVA_HOME (bin/mcpd also looks in /usr/lib/jvm/temurin-25*)"));
        checks.add(stateDir());
        checks.add(hyperdBinary());
        boolean unix = McpdCli.unixSocketUsable(config);
        checks.add(new DoctorCheck("transport unix", unix, unix ? "junixsocket loaded; socket " + config.stateDir().resolve("daemon.sock")
                : "junixsocket cannot run here or the socket path is too long",
                "set MCPD_STATE_DIR to a short local directory; junixsocket supports Linux, macOS and Windows on x86_64/arm64"));
        Map<String, Object> status = null;
        try (DaemonToolClient client = cli.connect(true)) {
            status = Json.asObject(client.callTool("daemon_status", Map.of()).get("structuredContent"));
            checks.add(new DoctorCheck("daemon", true, "pid " + client.daemonPid() + ", version " + status.get("version"), ""));
        } catch (IOException | RuntimeException e) {
            checks.add(new DoctorCheck("daemon", false, e.getMessage(),
                    "read " + config.stateDir().resolve("daemon.log") + "; `mcpd daemon run` shows start-up errors in the terminal"));
        }
        checks.add(roundTrip());
        if (status != null) {
            checks.addAll(transports(status));
        }
        if (status != null && status.get("engines") instanceof List<?> engines) {
            for (Object e : engines) {
                Map<String, Object> engine = Json.asObject(e);
                boolean ok = Boolean.TRUE.equals(engine.get("available"));
                Object detail = engine.get("detail");
                checks.add(new DoctorCheck("engine " + engine.get("name"), ok,
                        engine.get("tools") + " tools" + (ok ? "" : ": " + engine.get("reason"))
                                + (detail == null ? "" : "; " + detail),
                        fixFor(String.valueOf(engine.get("name"))), true));
            }
        }
        return checks;
    }

    /** One check per transport the daemon reports (B-T1), plus TCP when configured but not listening. */
    private List<DoctorCheck> transports(Map<String, Object> status) {
        List<DoctorCheck> checks = new ArrayList<>();
        boolean tcpListening = false;
        if (status.get("transports") instanceof List<?> transports) {
            for (Object t : transports) {
                Map<String, Object> transport = Json.asObject(t);
                boolean available = Boolean.TRUE.equals(transport.get("available"));
                boolean ok = available && transport.get("endpoint") != null;
                tcpListening |= ok && "tcp".equals(transport.get("kind"));
                // A transport this platform lacks (a named pipe off Windows) is a warning: mcpd runs without it.
                checks.add(new DoctorCheck("listening " + transport.get("kind"), ok,
                        ok ? String.valueOf(transport.get("endpoint")) : "not listening: " + transport.get("reason"),
                        available ? "see " + config.stateDir().resolve("daemon.log") : "nothing to do on this platform",
                        !available));
            }
        }
        if (config.tcp().listen().isPresent() && !tcpListening) {
            checks.add(new DoctorCheck("listening tcp", false, "MCPD_TCP_LISTEN=" + config.tcp().listen().get()
                    + " is set but the running daemon does not listen on TCP",
                    "restart the daemon with the same environment: `mcpd daemon stop && mcpd daemon start`"));
        }
        return checks;
    }

    /** Where a hyperd was found, or every place looked at; a warning unless the hyperd engine is enabled. */
    private DoctorCheck hyperdBinary() {
        HyperdBinaryLocator.Located located = HyperdBinaryLocator.system();
        boolean enabled = config.engines().contains(HyperdEngine.NAME);
        return new DoctorCheck("hyperd", located.binary().isPresent(), located.binary()
                .map(path -> path + (enabled ? " (engine enabled)" : " (engine not enabled: MCPD_ENGINES=containers,hyperd)"))
                .orElse(located.whyMissing()), fixFor(HyperdEngine.NAME), !enabled);
    }

    private DoctorCheck stateDir() {
        FileStateDirectory state = new FileStateDirectory(config.stateDir());
        try {
            state.prepare();
            String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(state.root()));
            boolean ok = "rwx------".equals(mode) && Files.isWritable(state.root());
            return new DoctorCheck("state dir", ok, state.root() + " (" + mode + ")",
                    "chmod 700 " + state.root() + " or set MCPD_STATE_DIR to a private directory");
        } catch (IOException | RuntimeException e) {
            return new DoctorCheck("state dir", false, state.root() + ": " + e.getMessage(),
                    "set MCPD_STATE_DIR to a directory you own");
        }
    }

    /** Starts a real proxy ({@code mcpd serve --mcp}) and does initialize, tools/list and a tool call through it. */
    private DoctorCheck roundTrip() {
        List<String> command = ProcessDaemonLauncher.sameJvm(Main.class.getName(), List.of(), List.of("serve", "--mcp"));
        long started = System.nanoTime();
        Process proxy = null;
        try {
            proxy = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            JsonCodec codec = new JacksonJsonCodec();
            OutputStream in = proxy.getOutputStream();
            String requests = """
                    {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"mcpd-doctor","version":"1"}}}
                    {"jsonrpc":"2.0","method":"notifications/initialized"}
                    {"jsonrpc":"2.0","id":2,"method":"tools/list"}
                    {"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"daemon_status","arguments":{}}}
                    """;
            in.write(requests.getBytes(StandardCharsets.UTF_8));
            in.flush();
            LineReader reader = new LineReader(proxy.getInputStream(), 16 * 1024 * 1024);
            CompletableFuture<Integer> tools = CompletableFuture.supplyAsync(() -> {
                int toolCount = -1;
                try {
                    for (int answered = 0; answered < 3; ) {
                        byte[] line = reader.readLine();
                        if (line == null) {
                            return -1;
                        }
                        Map<String, Object> message = Json.asObject(codec.parse(line, 0, line.length));
                        if (message == null || !message.containsKey("id")) {
                            continue;
                        }
                        answered++;
                        Map<String, Object> result = Json.asObject(message.get("result"));
                        if (result == null) {
                            return -1;
                        }
                        if (result.get("tools") instanceof List<?> list) {
                            toolCount = list.size();
                        }
                    }
                    return toolCount;
                } catch (IOException e) {
                    return -1;
                }
            });
            int count = tools.get(30, TimeUnit.SECONDS);
            long millis = (System.nanoTime() - started) / 1_000_000;
            in.close();
            return new DoctorCheck("MCP round trip", count > 0, count > 0
                    ? "initialize, tools/list (" + count + " tools) and daemon_status through `mcpd serve --mcp` in " + millis + " ms"
                    : "the proxy did not answer all three requests",
                    "run `mcpd serve --mcp` by hand and read " + config.stateDir().resolve("proxy.log"));
        } catch (Exception e) {
            return new DoctorCheck("MCP round trip", false, e.toString(),
                    "run `mcpd serve --mcp` by hand and read " + config.stateDir().resolve("proxy.log"));
        } finally {
            if (proxy != null) {
                proxy.destroy();
            }
        }
    }

    private static String fixFor(String engine) {
        return switch (engine) {
            case "containers" -> "start a container runtime: `podman system service --time=0 unix:///run/podman/podman.sock &`"
                    + " or Docker, or point DOCKER_HOST / MCPD_CONTAINER_HOST at its socket";
            case "hyperd" -> "run scripts/setup-hyperd.sh (it prints the path) and set MCPD_HYPERD_PATH to it, or "
                    + "pip install tableauhyperapi; hyperd's own log is in " + "<state dir>/hyperd/log";
            default -> "see the daemon log";
        };
    }
}
