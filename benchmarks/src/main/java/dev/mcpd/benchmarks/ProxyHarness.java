package dev.mcpd.benchmarks;

import static dev.mcpd.benchmarks.Report.histogram;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpd.adapter.secondary.container.ContainerHostResolver;
import dev.mcpd.adapter.secondary.container.DockerApiContainerRuntimeConfig;
import dev.mcpd.adapter.secondary.container.DockerApiContainerRuntimeProvider;
import dev.mcpd.domain.model.container.ContainerFilter;
import dev.mcpd.domain.model.container.ContainerRunSpec;
import dev.mcpd.domain.port.ContainerRuntime;
import dev.mcpd.testing.McpdScope;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The end-to-end load harness: real {@code bin/mcpd serve --mcp} processes, a real daemon, real sockets. Prints a
 * Markdown report. Usage: {@code ProxyHarness <repo root> [calls] [--containers <podman socket>]}.
 */
public final class ProxyHarness {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String INIT = "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
            + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"mcpd-bench\",\"version\":\"1\"}}}";

    private final McpdScope scope;
    private final Path stateDir;

    private ProxyHarness(Path root, String engines, String containerHost) throws IOException {
        this.scope = McpdScope.create(root, "mcpd-bench-").env("MCPD_ENGINES", engines)
                .env("MCPD_DAEMON_IDLE_TIMEOUT", "60s").env("MCPD_CONTAINER_HOST", containerHost);
        this.stateDir = scope.stateDir();
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]).toAbsolutePath().normalize();
        int calls = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        String podman = args.length > 3 && "--containers".equals(args[2]) ? args[3] : null;
        ProxyHarness harness = new ProxyHarness(root, podman == null ? "diagnostics" : "containers,diagnostics",
                podman == null ? null : "unix://" + podman);
        try {
            System.out.println("| measurement | runs | median | p90 | p99 | max |");
            System.out.println("|---|---|---|---|---|---|");
            harness.startUp(false, 5);
            harness.startUp(true, 20);
            harness.roundTrips(calls);
            if (podman != null) {
                harness.containers(podman, Math.max(50, calls / 10));
            }
        } finally {
            harness.stopDaemon();
            harness.scope.close();
        }
    }

    /** Proxy process start to the answer of its first tools/list, with no daemon (cold) or a running one (warm). */
    private void startUp(boolean warm, int runs) throws Exception {
        Histogram h = histogram();
        for (int i = 0; i < runs; i++) {
            if (!warm) {
                stopDaemon();
            }
            long begun = System.nanoTime();
            try (Session s = new Session()) {
                s.sendRaw(INIT);
                s.sendRaw("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}");
                s.awaitId(1);
                h.recordValue((System.nanoTime() - begun) / 1000);
            }
        }
        Report.row((warm ? "warm" : "cold") + " start: proxy launch to first tools/list answer", h);
    }

    private void roundTrips(int calls) throws Exception {
        try (Session s = new Session()) {
            s.sendRaw(INIT);
            s.awaitId(0);
            Report.row("ping round trip through proxy and daemon", s.measure("{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"ping\"}", calls));
            Report.row("tools/call daemon_status round trip", s.measure(
                    "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"tools/call\",\"params\":{\"name\":\"daemon_status\",\"arguments\":{}}}", calls));
            Report.row("tools/call diag_echo round trip", s.measure(
                    "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"tools/call\",\"params\":{\"name\":\"diag_echo\",\"arguments\":{\"text\":\"hi\"}}}", calls));
        }
    }

    private void containers(String podman, int calls) throws Exception {
        try (DockerApiContainerRuntimeProvider runtimes = new DockerApiContainerRuntimeProvider(
                ContainerHostResolver.system(), DockerApiContainerRuntimeConfig.defaults());
                Session s = new Session()) {
            ContainerRuntime direct = runtimes.apply(Map.of("DOCKER_HOST", "unix://" + podman));
            Histogram directList = histogram();
            for (int i = 0; i < calls + 3000; i++) { // the same 3000 warm-up calls as through mcpd
                long begun = System.nanoTime();
                direct.listContainers(new ContainerFilter(true, List.of()), Instant.now().plusSeconds(10));
                if (i >= 3000) {
                    directList.recordValue((System.nanoTime() - begun) / 1000);
                }
            }
            s.sendRaw(INIT);
            s.awaitId(0);
            Histogram viaMcpd = s.measure("{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"tools/call\",\"params\":{\"name\":"
                    + "\"list_containers\",\"arguments\":{\"all\":true}}}", calls);
            Report.row("list_containers: runtime API directly (docker-java → Podman)", directList);
            Report.row("list_containers: MCP tools/call through proxy and daemon", viaMcpd);
            System.out.printf("%nmcpd overhead on list_containers (median through mcpd − median direct): %.2f ms%n%n",
                    (viaMcpd.getValueAtPercentile(50) - directList.getValueAtPercentile(50)) / 1000.0);

            Histogram stops = histogram();
            for (int i = 0; i < 5; i++) {
                String name = "mcpd-bench-" + ProcessHandle.current().pid() + "-" + i;
                direct.runContainer(new ContainerRunSpec("localhost/mcpd-busybox:latest", name,
                        List.of("sh", "-c", "trap 'exit 0' TERM; while true; do sleep 0.1; done"), Map.of(),
                        Map.of("dev.mcpd.test", "1"), true, "none", false), Instant.now().plusSeconds(30));
                long begun = System.nanoTime();
                Map<String, Object> r = s.call("stop_container", Map.of("container", name, "timeout_seconds", 10));
                stops.recordValue((System.nanoTime() - begun) / 1000);
                if (Boolean.TRUE.equals(r.get("isError"))) {
                    throw new IllegalStateException("stop failed: " + r);
                }
                direct.removeContainer(name, true, Instant.now().plusSeconds(30));
            }
            Report.row("stop_container of a SIGTERM-trapping container (timeout 10 s) through mcpd", stops);
        }
    }

    private void stopDaemon() throws Exception {
        Path record = stateDir.resolve("daemon.json");
        if (!Files.exists(record)) {
            return;
        }
        long pid = JSON.readTree(record.toFile()).path("pid").asLong();
        ProcessHandle.of(pid).ifPresent(p -> {
            p.destroy();
            p.onExit().join();
        });
    }

    /** One proxy process, driven line by line. */
    private final class Session implements AutoCloseable {
        private final Process process;
        private final OutputStream in;
        private final BufferedReader out;
        private long nextId = 100;

        Session() throws IOException {
            process = scope.builder(scope.command("serve", "--mcp"), Map.of())
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            in = process.getOutputStream();
            out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        }

        void sendRaw(String line) throws IOException {
            in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
        }

        String awaitId(long id) throws IOException {
            String marker = "\"id\":" + id + ",";
            String line;
            while ((line = out.readLine()) != null) {
                if (line.contains(marker)) {
                    return line;
                }
            }
            throw new IOException("proxy ended before answering " + id);
        }

        Histogram measure(String template, int calls) throws IOException {
            for (int i = 0; i < 3000; i++) { // warm-up (both ends JIT-compile), not recorded
                long id = nextId++;
                sendRaw(String.format(template, id));
                awaitId(id);
            }
            Histogram h = histogram();
            List<Long> samples = new ArrayList<>(calls);
            for (int i = 0; i < calls; i++) {
                long id = nextId++;
                long begun = System.nanoTime();
                sendRaw(String.format(template, id));
                awaitId(id);
                samples.add((System.nanoTime() - begun) / 1000);
            }
            samples.forEach(h::recordValue);
            return h;
        }

        @SuppressWarnings("unchecked")
        Map<String, Object> call(String tool, Map<String, Object> arguments) throws IOException {
            long id = nextId++;
            sendRaw(JSON.writeValueAsString(Map.of("jsonrpc", "2.0", "id", id, "method", "tools/call",
                    "params", Map.of("name", tool, "arguments", arguments))));
            Map<String, Object> response = JSON.readValue(awaitId(id), Map.class);
            return (Map<String, Object>) response.get("result");
        }

        @Override
        public void close() throws Exception {
            in.close();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

}
