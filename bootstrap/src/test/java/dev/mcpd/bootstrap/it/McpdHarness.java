package dev.mcpd.bootstrap.it;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs the real {@code bin/mcpd} in a private state dir with the minimal environment a host gives an MCP server
 * (HOME, LOGNAME, PATH, SHELL, TERM, USER), and cleans up every daemon it caused, by pid.
 */
public final class McpdHarness implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path stateDir;
    private final Map<String, String> extraEnv = new LinkedHashMap<>();
    private final List<Process> processes = new ArrayList<>();

    public McpdHarness() throws IOException {
        // Short path: sun_path allows 107 bytes.
        this.stateDir = Files.createTempDirectory(Path.of("/tmp"), "mcpd-it-");
        extraEnv.put("MCPD_ENGINES", "diagnostics");
        extraEnv.put("MCPD_DAEMON_IDLE_TIMEOUT", "60s");
    }

    public static Path root() {
        return Path.of(System.getProperty("mcpd.root", "..")).toAbsolutePath().normalize();
    }

    public Path stateDir() {
        return stateDir;
    }

    public McpdHarness env(String key, String value) {
        extraEnv.put(key, value);
        return this;
    }

    /** The minimal host environment plus this harness's settings. */
    public Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        for (String key : List.of("HOME", "LOGNAME", "PATH", "SHELL", "TERM", "USER")) {
            String value = System.getenv(key);
            if (value != null) {
                env.put(key, value);
            }
        }
        env.put("MCPD_STATE_DIR", stateDir.toString());
        env.putAll(extraEnv);
        return env;
    }

    public ProcessBuilder command(String... args) {
        List<String> command = new ArrayList<>();
        command.add(root().resolve("bin/mcpd").toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(root().toFile());
        builder.environment().clear();
        builder.environment().putAll(environment());
        return builder;
    }

    /** Runs a CLI command to completion. */
    public Result run(Duration timeout, String... args) throws IOException, InterruptedException {
        Process process = command(args).redirectErrorStream(false).start();
        processes.add(process);
        process.getOutputStream().close();
        byte[] out = process.getInputStream().readAllBytes();
        byte[] err = process.getErrorStream().readAllBytes();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("mcpd " + String.join(" ", args) + " did not finish within " + timeout);
        }
        return new Result(process.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }

    public record Result(int exitCode, String stdout, String stderr) {}

    /** Starts {@code mcpd serve --mcp} as a host would. */
    public StdioSession serve(String... moreArgs) throws IOException {
        List<String> args = new ArrayList<>(List.of("serve", "--mcp"));
        args.addAll(List.of(moreArgs));
        Process process = command(args.toArray(String[]::new)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        processes.add(process);
        return new StdioSession(process);
    }

    /** The daemon's pid from {@code daemon.json}, if a record exists. */
    public Optional<Long> daemonPid() {
        try {
            return Optional.of(JSON.readTree(stateDir.resolve("daemon.json").toFile()).path("pid").asLong());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    @Override
    public void close() throws Exception {
        for (Process process : processes) {
            process.destroy();
        }
        daemonPid().flatMap(ProcessHandle::of).ifPresent(handle -> {
            handle.destroy();
            try {
                handle.onExit().get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                handle.destroyForcibly();
            }
        });
        for (Process process : processes) {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
        try (var files = Files.walk(stateDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** An MCP client over a proxy's stdio: requests by id, responses collected by a reader thread. */
    public static final class StdioSession implements AutoCloseable {
        private final Process process;
        private final OutputStream in;
        private final Map<Object, BlockingQueue<Map<String, Object>>> responses = new ConcurrentHashMap<>();
        private final BlockingQueue<Map<String, Object>> notifications = new LinkedBlockingQueue<>();
        private final AtomicLong ids = new AtomicLong(1);

        StdioSession(Process process) {
            this.process = process;
            this.in = process.getOutputStream();
            Thread.ofVirtual().start(() -> {
                try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = reader.readLine()) != null) {
                        @SuppressWarnings("unchecked")
                        Map<String, Object> message = JSON.readValue(line, Map.class);
                        Object id = message.get("id");
                        if (id != null && !message.containsKey("method")) {
                            queue(String.valueOf(id)).add(message);
                        } else {
                            notifications.add(message);
                        }
                    }
                } catch (IOException e) {
                    // the proxy exited
                }
            });
        }

        private BlockingQueue<Map<String, Object>> queue(Object id) {
            return responses.computeIfAbsent(String.valueOf(id), k -> new LinkedBlockingQueue<>());
        }

        public Process process() {
            return process;
        }

        public long pid() {
            return process.pid();
        }

        /** Sends a request and returns its id. */
        public long send(String method, Map<String, Object> params) throws IOException {
            long id = ids.getAndIncrement();
            Map<String, Object> message = new LinkedHashMap<>();
            message.put("jsonrpc", "2.0");
            message.put("id", id);
            message.put("method", method);
            if (params != null) {
                message.put("params", params);
            }
            sendRaw(JSON.writeValueAsString(message));
            return id;
        }

        public void sendRaw(String line) throws IOException {
            in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
        }

        /** Waits for the response to {@code id}. */
        public Map<String, Object> await(long id, Duration timeout) throws InterruptedException {
            Map<String, Object> response = queue(id).poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (response == null) {
                throw new AssertionError("no response to request " + id + " within " + timeout);
            }
            return response;
        }

        /** Notifications received so far (progress, ...), oldest first; drained by this call. */
        public java.util.List<Map<String, Object>> drainNotifications() {
            java.util.List<Map<String, Object>> drained = new java.util.ArrayList<>();
            notifications.drainTo(drained);
            return drained;
        }

        /** Whether a response to {@code id} arrives within {@code timeout}. */
        public boolean answeredWithin(long id, Duration timeout) throws InterruptedException {
            Map<String, Object> response = queue(id).poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return response != null;
        }

        public Map<String, Object> request(String method, Map<String, Object> params, Duration timeout)
                throws IOException, InterruptedException {
            return await(send(method, params), timeout);
        }

        public Map<String, Object> initialize() throws IOException, InterruptedException {
            Map<String, Object> response = request("initialize", Map.of("protocolVersion", "2025-06-18",
                    "capabilities", Map.of(), "clientInfo", Map.of("name", "mcpd-it", "version", "1")), Duration.ofSeconds(30));
            sendRaw("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
            return response;
        }

        @SuppressWarnings("unchecked")
        public Map<String, Object> callTool(String name, Map<String, Object> arguments, Duration timeout)
                throws IOException, InterruptedException {
            Map<String, Object> response = request("tools/call", Map.of("name", name, "arguments", arguments), timeout);
            if (response.containsKey("error")) {
                throw new AssertionError("tools/call " + name + " failed: " + response.get("error"));
            }
            return (Map<String, Object>) response.get("result");
        }

        @SuppressWarnings("unchecked")
        public Map<String, Object> daemonStatus() throws IOException, InterruptedException {
            return (Map<String, Object>) callTool("daemon_status", Map.of(), Duration.ofSeconds(10)).get("structuredContent");
        }

        /** Closes stdin, as a host does, and waits for the proxy to exit. */
        @Override
        public void close() throws IOException, InterruptedException {
            in.close();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
