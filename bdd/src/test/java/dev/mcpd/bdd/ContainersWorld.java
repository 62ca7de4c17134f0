package dev.mcpd.bdd;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The driver of {@code container_management.feature}: the real {@code bin/mcpd containers} commands, a real
 * daemon in a private state dir, and the Podman service of {@code scripts/setup-podman.sh}. Every container it
 * makes is labelled {@code dev.mcpd.test=1}, named with a unique prefix, and removed afterwards.
 */
public final class ContainersWorld {

    /** What a command did. */
    public record Outcome(int exitCode, String stdout, String stderr, Duration took) {}

    private static final Path ROOT = Path.of(System.getProperty("mcpd.root", "..")).toAbsolutePath().normalize();
    static final String SOCKET = System.getenv().getOrDefault("MCPD_TEST_PODMAN_SOCK", "/run/mcpd-test/podman.sock");
    static final String IMAGE = "localhost/mcpd-busybox:latest";

    private final String prefix = "mcpd-bdd-" + Long.toHexString(System.nanoTime()).substring(0, 6) + "-";
    private final Set<String> made = new LinkedHashSet<>();
    private final Map<String, String> env = new LinkedHashMap<>();
    private Path stateDir;
    private Outcome last;

    public void start() throws IOException {
        stateDir = Files.createTempDirectory(Path.of("/tmp"), "mcpd-bdd-");
        for (String key : List.of("HOME", "LOGNAME", "PATH", "SHELL", "TERM", "USER")) {
            if (System.getenv(key) != null) {
                env.put(key, System.getenv(key));
            }
        }
        env.put("MCPD_STATE_DIR", stateDir.toString());
        env.put("MCPD_ENGINES", "containers");
        env.put("MCPD_DAEMON_IDLE_TIMEOUT", "60s");
        env.put("MCPD_CONTAINER_HOST", "unix://" + SOCKET);
    }

    public boolean runtimeIsThere() {
        return Files.exists(Path.of(SOCKET));
    }

    public void pointRuntimeAt(String socket) {
        env.put("MCPD_CONTAINER_HOST", "unix://" + socket);
    }

    public String name(String shortName) {
        String name = prefix + shortName;
        made.add(name);
        return name;
    }

    public Outcome mcpd(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(ROOT.resolve("bin/mcpd").toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().clear();
        builder.environment().putAll(env);
        long begun = System.nanoTime();
        Process process = builder.start();
        process.getOutputStream().close();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("mcpd " + String.join(" ", args) + " did not finish");
        }
        last = new Outcome(process.exitValue(), out, err, Duration.ofNanos(System.nanoTime() - begun));
        return last;
    }

    public Outcome last() {
        return last;
    }

    public void cleanUp() throws IOException, InterruptedException {
        if (stateDir == null) {
            return;
        }
        env.put("MCPD_CONTAINER_HOST", "unix://" + SOCKET);
        for (String name : made) {
            mcpd("containers", "rm", "-f", name);
        }
        mcpd("daemon", "stop");
        try (var files = Files.walk(stateDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
