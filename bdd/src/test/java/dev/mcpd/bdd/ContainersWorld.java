package dev.mcpd.bdd;

import dev.mcpd.testing.McpdScope;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The driver of {@code container_management.feature}: the real {@code bin/mcpd containers} commands, a real
 * daemon in a private {@link McpdScope}, and the Podman service of {@code scripts/setup-podman.sh}. Every container
 * it makes is labelled {@code dev.mcpd.test=1}, named with a unique prefix, and removed afterwards.
 */
public final class ContainersWorld {

    /** What a command did. */
    public record Outcome(int exitCode, String stdout, String stderr, Duration took) {}

    static final String SOCKET = System.getenv().getOrDefault("MCPD_TEST_PODMAN_SOCK", "/run/mcpd-test/podman.sock");
    static final String IMAGE = "localhost/mcpd-busybox:latest";

    private final String prefix = "mcpd-bdd-" + Long.toHexString(System.nanoTime()).substring(0, 6) + "-";
    private final Set<String> made = new LinkedHashSet<>();
    private McpdScope scope;
    private Outcome last;

    public void start() throws IOException {
        scope = McpdScope.create("mcpd-bdd-").env("MCPD_ENGINES", "containers").env("MCPD_DAEMON_IDLE_TIMEOUT", "60s")
                .env("MCPD_CONTAINER_HOST", "unix://" + SOCKET);
    }

    public boolean runtimeIsThere() {
        return Files.exists(Path.of(SOCKET));
    }

    public void pointRuntimeAt(String socket) {
        scope.env("MCPD_CONTAINER_HOST", "unix://" + socket);
    }

    public String name(String shortName) {
        String name = prefix + shortName;
        made.add(name);
        return name;
    }

    public Outcome mcpd(String... args) throws IOException, InterruptedException {
        McpdScope.Result result = scope.run(Duration.ofSeconds(60), args);
        last = new Outcome(result.exitCode(), result.stdout(), result.stderr(), result.took());
        return last;
    }

    public Outcome last() {
        return last;
    }

    public void cleanUp() throws IOException, InterruptedException {
        if (scope == null) {
            return;
        }
        scope.env("MCPD_CONTAINER_HOST", "unix://" + SOCKET);
        for (String name : made) {
            mcpd("containers", "rm", "-f", name);
        }
        mcpd("daemon", "stop");
        scope.close();
    }
}
