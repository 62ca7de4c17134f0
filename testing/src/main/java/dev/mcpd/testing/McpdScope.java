package dev.mcpd.testing;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A private mcpd scope for a test: a fresh state dir under {@code /tmp} (short, since {@code sun_path} allows 107
 * bytes), the minimal environment a host gives an MCP server ({@link #HOST_VARIABLES}) plus {@code MCPD_STATE_DIR}
 * and the test's settings, and every process started in it. {@link #start}, {@link #serve} and {@link #run} launch the
 * real mcpd: {@code bin/mcpd} (which builds the jar when stale), or {@code java -jar bootstrap/target/mcpd.jar} after
 * {@link #launchByJar()}. {@link #close()} ends everything it started and every daemon of the scope, by pid, and
 * removes the state dir and the output directory.
 */
public final class McpdScope implements AutoCloseable {

    /** What a host such as Claude Code or an IDE passes to an MCP server it starts (ADR 0012). */
    public static final List<String> HOST_VARIABLES = List.of("HOME", "LOGNAME", "PATH", "SHELL", "TERM", "USER");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long STOP_SECONDS = 10;
    private static final Duration STOP = Duration.ofSeconds(STOP_SECONDS);

    private final Path root;
    private final Path stateDir;
    private final Path outputDir;
    private final Map<String, String> env = new LinkedHashMap<>();
    private final List<McpdProcess> started = new CopyOnWriteArrayList<>();
    private final List<Process> others = new CopyOnWriteArrayList<>();
    private final AtomicLong serial = new AtomicLong();
    private boolean byJar;

    private McpdScope(Path root, Path stateDir, Path outputDir) {
        this.root = root;
        this.stateDir = stateDir;
        this.outputDir = outputDir;
        for (String key : HOST_VARIABLES) {
            String value = System.getenv(key);
            if (value != null) {
                env.put(key, value);
            }
        }
        env.put("MCPD_STATE_DIR", stateDir.toString());
    }

    /** A scope of the repository at {@link #repositoryRoot()}, its state dir {@code /tmp/<prefix>…} (mode 700). */
    public static McpdScope create(String prefix) throws IOException {
        return create(repositoryRoot(), prefix);
    }

    /**
     * A scope of the repository at {@code root} (which holds {@code bin/mcpd}). What its processes write on stderr goes
     * to a second directory beside the state dir, so that the state dir holds only what mcpd puts there.
     */
    public static McpdScope create(Path root, String prefix) throws IOException {
        Path dir = Files.createTempDirectory(Path.of("/tmp"), prefix,
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path output = Files.createDirectory(Path.of(dir + "-output"));
        return new McpdScope(root.toAbsolutePath().normalize(), dir, output);
    }

    /** The repository root: system property {@code mcpd.root} (set by the bdd and bootstrap builds), else {@code ..}. */
    public static Path repositoryRoot() {
        return Path.of(System.getProperty("mcpd.root", "..")).toAbsolutePath().normalize();
    }

    // ---- settings ----

    /** Sets a variable for every process started from now on; a null value removes it. */
    public McpdScope env(String key, String value) {
        if (value == null) {
            env.remove(key);
        } else {
            env.put(key, value);
        }
        return this;
    }

    /** Sets every variable of {@code settings}. */
    public McpdScope env(Map<String, String> settings) {
        settings.forEach(this::env);
        return this;
    }

    /** Starts {@code java -jar bootstrap/target/mcpd.jar} (this JVM's java) instead of {@code bin/mcpd}. */
    public McpdScope launchByJar() {
        byJar = true;
        return this;
    }

    public Path root() {
        return root;
    }

    public Path stateDir() {
        return stateDir;
    }

    /** A file of the state dir, e.g. {@code daemon.json}, {@code daemon.log}. */
    public Path file(String name) {
        return stateDir.resolve(name);
    }

    /** The daemon's Unix socket. */
    public Path socket() {
        return file("daemon.sock");
    }

    /** The environment processes get: the host variables, {@code MCPD_STATE_DIR} and the settings. */
    public Map<String, String> environment() {
        return Map.copyOf(env);
    }

    // ---- starting ----

    /** The command line of mcpd with {@code args}. */
    public List<String> command(String... args) {
        List<String> command = new ArrayList<>();
        if (byJar) {
            command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--enable-native-access=ALL-UNNAMED", "-jar", root.resolve("bootstrap/target/mcpd.jar").toString()));
        } else {
            command.add(root.resolve("bin/mcpd").toString());
        }
        command.addAll(List.of(args));
        return command;
    }

    /** A builder for {@code command}, in the repository root, with exactly this scope's environment plus {@code extra}. */
    public ProcessBuilder builder(List<String> command, Map<String, String> extra) {
        ProcessBuilder builder = new ProcessBuilder(command).directory(root.toFile());
        builder.environment().clear();
        builder.environment().putAll(env);
        builder.environment().putAll(extra);
        return builder;
    }

    /** A builder for mcpd with {@code args}, with exactly this scope's environment (to start it otherwise). */
    public ProcessBuilder builder(String... args) {
        return builder(command(args), Map.of());
    }

    /** Starts mcpd with {@code args}: stdio as lines, stderr into a file of the output directory. */
    public McpdProcess start(String... args) throws IOException {
        return start(Map.of(), args);
    }

    /** Starts mcpd with {@code args} and {@code extra} variables on top of the scope's. */
    public McpdProcess start(Map<String, String> extra, String... args) throws IOException {
        return adopt(builder(command(args), extra));
    }

    /** Starts {@code mcpd serve --mcp} as a host would, with more arguments (e.g. {@code --connect tcp://…}). */
    public McpdProcess serve(String... moreArgs) throws IOException {
        return serve(Map.of(), moreArgs);
    }

    /** Starts {@code mcpd serve --mcp} with {@code extra} variables (e.g. {@code MCPD_HOST_PID}). */
    public McpdProcess serve(Map<String, String> extra, String... moreArgs) throws IOException {
        List<String> args = new ArrayList<>(List.of("serve", "--mcp"));
        args.addAll(List.of(moreArgs));
        return start(extra, args.toArray(String[]::new));
    }

    /**
     * Starts {@code builder} (a host shell, a stand-in; see {@link #builder} for this scope's environment) with stdio
     * as lines and stderr into a file of the output directory; ended by {@link #close()}.
     */
    public McpdProcess adopt(ProcessBuilder builder) throws IOException {
        Path stderr = outputDir.resolve("stderr-" + serial.incrementAndGet() + ".txt");
        McpdProcess process = McpdProcess.of(builder.redirectError(stderr.toFile()).start(), stderr);
        started.add(process);
        return process;
    }

    /** Remembers a process started elsewhere, to end it (and its children) in {@link #close()}. */
    public Process track(Process process) {
        others.add(process);
        return process;
    }

    /** What a command printed and how it ended. */
    public record Result(int exitCode, String stdout, String stderr, Duration took) {}

    /** Runs mcpd with {@code args} to its end, stdin closed; an {@link AssertionError} when it outlasts {@code timeout}. */
    public Result run(Duration timeout, String... args) throws IOException, InterruptedException {
        return run(timeout, Map.of(), args);
    }

    /** {@link #run(Duration, String...)} with {@code extra} variables. */
    public Result run(Duration timeout, Map<String, String> extra, String... args) throws IOException, InterruptedException {
        Path out = outputDir.resolve("run-" + serial.incrementAndGet() + ".out");
        Path err = outputDir.resolve("run-" + serial.get() + ".err");
        long begun = System.nanoTime();
        Process process = track(builder(command(args), extra).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start());
        if (!process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("mcpd " + String.join(" ", args) + " did not finish within " + timeout);
        }
        Duration took = Duration.ofNanos(System.nanoTime() - begun);
        Result result = new Result(process.exitValue(), Files.readString(out, UTF_8), Files.readString(err, UTF_8), took);
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
        return result;
    }

    /** A raw connection to the scope's daemon socket (see {@link LineClient#unixSocket}). */
    public LineClient connect() throws IOException {
        return LineClient.unixSocket(socket());
    }

    // ---- the daemon ----

    /**
     * The {@code structuredContent} of {@code daemon_status}, asked over a raw connection of its own to the daemon's
     * socket (after the daemon's hello, B-W2; it appears in its own answer, then closes).
     */
    public Map<String, Object> daemonStatus(Duration within) throws IOException, InterruptedException {
        try (LineClient client = connect()) {
            client.awaitLine(line -> line.contains("\"mcpd\""), within);
            return client.daemonStatus(within);
        }
    }

    /** The calls the daemon has in flight for the client whose proxy is {@code proxyPid}; 0 when it has no such client. */
    public int inFlightCalls(long proxyPid, Duration within) throws IOException, InterruptedException {
        Object clients = daemonStatus(within).get("clients");
        if (!(clients instanceof List<?> list)) {
            return 0;
        }
        return list.stream().map(c -> (Map<?, ?>) c)
                .filter(c -> c.get("proxyPid") instanceof Number n && n.longValue() == proxyPid)
                .mapToInt(c -> ((Number) c.get("inFlightCalls")).intValue()).sum();
    }

    /** The pid in {@code daemon.json}; empty when there is no record (yet), or it is being rewritten. */
    public Optional<Long> recordedDaemonPid() {
        try {
            Path record = file("daemon.json");
            return Files.exists(record) ? Optional.of(JSON.readTree(record.toFile()).path("pid").asLong()) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * The pids of this scope's daemon JVMs ({@code … daemon run} with this {@code MCPD_STATE_DIR} or one below it), found in
     * {@code /proc}: the launcher's waiting {@code sh -c 'setsid "$@"' … daemon run} carries the same words but is
     * not a daemon (ADR 0012). Empty where there is no {@code /proc}.
     */
    public List<Long> daemonPids() {
        List<Long> found = new ArrayList<>();
        try (var dirs = Files.list(Path.of("/proc"))) {
            for (Path dir : dirs.filter(d -> d.getFileName().toString().matches("\\d+")).toList()) {
                if (isDaemonOfThisScope(dir)) {
                    found.add(Long.parseLong(dir.getFileName().toString()));
                }
            }
        } catch (IOException e) {
            return found;
        }
        return found;
    }

    private boolean isDaemonOfThisScope(Path proc) {
        try {
            String raw = Files.readString(proc.resolve("cmdline"));
            if (!raw.replace('\0', ' ').contains(" daemon run")) {
                return false;
            }
            String program = raw.split("\0", 2)[0];
            if (!program.equals("java") && !program.endsWith("/java")) {
                return false;
            }
            String ours = "MCPD_STATE_DIR=" + stateDir;
            return List.of(Files.readString(proc.resolve("environ")).split("\0")).stream()
                    .anyMatch(v -> v.equals(ours) || v.startsWith(ours + "/"));
        } catch (IOException | RuntimeException e) {
            return false; // the process ended or is not ours
        }
    }

    // ---- clean up ----

    /** Copies the scope's logs and captured output ({@code *.log}, {@code *.txt}, {@code *.out}) into {@code into}. */
    public void keepLogs(Path into) throws IOException {
        Files.createDirectories(into);
        for (Path dir : List.of(stateDir, outputDir)) {
            try (var files = Files.list(dir)) {
                for (Path f : files.filter(f -> f.toString().matches(".*\\.(log|txt|out)$")).toList()) {
                    Files.copy(f, into.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    /**
     * Ends every process started or tracked here (SIGTERM, then SIGKILL after 5 s; children by pid), then every daemon
     * of the scope (SIGTERM: its ordered shutdown, B-E1; SIGKILL after {@value #STOP_SECONDS} s), and removes the
     * state dir and the output directory. Idempotent.
     */
    @Override
    public void close() throws InterruptedException {
        List<ProcessHandle> handles = new ArrayList<>();
        started.forEach(p -> handles.add(p.process().toHandle()));
        others.forEach(p -> handles.add(p.toHandle()));
        List<ProcessHandle> children = handles.stream().flatMap(ProcessHandle::descendants).toList();
        started.forEach(McpdProcess::closeStdin);
        handles.forEach(ProcessHandle::destroy);
        for (ProcessHandle handle : handles) {
            awaitExitOrKill(handle, Duration.ofSeconds(5));
        }
        children.forEach(ProcessHandle::destroyForcibly);
        List<Long> daemons = new ArrayList<>(daemonPids());
        recordedDaemonPid().filter(pid -> !daemons.contains(pid) && pid != ProcessHandle.current().pid())
                .ifPresent(daemons::add); // a fake daemon in this JVM records this JVM's pid
        daemons.stream().flatMap(pid -> ProcessHandle.of(pid).stream()).forEach(ProcessHandle::destroy);
        for (long pid : daemons) {
            ProcessHandle.of(pid).ifPresent(h -> awaitExitOrKill(h, STOP));
        }
        delete(stateDir);
        delete(outputDir);
    }

    private static void awaitExitOrKill(ProcessHandle handle, Duration within) {
        try {
            await().atMost(within).pollInterval(Duration.ofMillis(20)).until(() -> !handle.isAlive());
        } catch (ConditionTimeoutException e) {
            handle.destroyForcibly();
        }
    }

    private static void delete(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp dir left behind is harmless
        }
    }
}
