package dev.mcpd.adapter.secondary.gateway;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mcpd.domain.model.gateway.ServerConfig;
import dev.mcpd.domain.model.gateway.SharingMode;
import dev.mcpd.domain.testing.TestTime;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** A child server's environment, working directory and stop, on real processes (ADR 0016, decisions 1 and 2). */
@EnabledOnOs(OS.LINUX)
class ChildProcessTest {

    private static final Map<String, String> DAEMON_ENV = Map.of("PATH", "/usr/bin:/bin", "HOME", "/home/u",
            "LANG", "C.UTF-8", "USER", "u", "MCPD_TCP_TOKEN", "secret", "AWS_SECRET_ACCESS_KEY", "leak");

    private final List<ChildProcess> started = new ArrayList<>();

    @AfterEach
    void cleanUp() throws InterruptedException {
        for (ChildProcess child : started) {
            child.stop(Duration.ZERO, Duration.ZERO);
        }
    }

    private static ServerConfig server(String command, List<String> args, Map<String, String> env,
            Optional<Path> cwd, List<String> forwardEnv) {
        return new ServerConfig("s", command, args, env, cwd, false, SharingMode.SHARED, Duration.ofMinutes(1),
                Duration.ofSeconds(30), forwardEnv);
    }

    private ChildProcess start(ServerConfig config, Map<String, String> forwarded) throws Exception {
        ChildProcess child = ChildProcess.start(config, DAEMON_ENV, forwarded, "scope-1");
        started.add(child);
        return child;
    }

    private static List<String> lines(ChildProcess child) throws Exception {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.stdout(), UTF_8))) {
            return out.lines().toList();
        }
    }

    @Test
    void aChildSeesTheMinimalBaseItsEnvAndOnlyTheForwardedVariablesItNames() throws Exception {
        ServerConfig config = server("sh", List.of("-c", "env"), Map.of("API_URL", "https://x", "MCPD_STATE_DIR", "/s"),
                Optional.empty(), List.of("GITHUB_TOKEN"));
        ChildProcess child = start(config, Map.of("GITHUB_TOKEN", "gh", "OTHER", "no"));

        Map<String, String> env = new TreeMap<>();
        for (String line : lines(child)) {
            int eq = line.indexOf('=');
            env.put(line.substring(0, eq), line.substring(eq + 1));
        }
        env.keySet().removeAll(List.of("PWD", "SHLVL", "_")); // what sh itself adds

        assertThat(env).containsExactlyInAnyOrderEntriesOf(Map.of("PATH", "/usr/bin:/bin", "HOME", "/home/u",
                "LANG", "C.UTF-8", "USER", "u", "API_URL", "https://x", "GITHUB_TOKEN", "gh",
                ChildKeeper.SCOPE_VARIABLE, "scope-1"));
    }

    @Test
    void aConfiguredWorkingDirectoryIsHonoured() throws Exception {
        ChildProcess child = start(server("sh", List.of("-c", "pwd"), Map.of(), Optional.of(Path.of("/tmp")),
                List.of()), Map.of());

        assertThat(lines(child)).containsExactly("/tmp");
    }

    @Test
    void aServerThatExitsAtEndOfInputStopsWithoutASignal() throws Exception {
        ChildProcess child = start(server("sh", List.of("-c", "cat > /dev/null"), Map.of(), Optional.empty(),
                List.of()), Map.of());

        ChildProcess.Stopped stopped = child.stop(Duration.ofSeconds(5), Duration.ofSeconds(10));

        assertThat(stopped).isEqualTo(new ChildProcess.Stopped(0, "none"));
    }

    @Test
    void aTreeThatIgnoresEndOfInputAndSigtermIsKilledWholeAtTheGracePeriod() throws Exception {
        ChildProcess child = start(server("sh", List.of("-c", "trap '' TERM; sleep 600 & sleep 600 & wait"),
                Map.of(), Optional.empty(), List.of()), Map.of());
        ProcessHandle leader = ProcessHandle.of(child.pid()).orElseThrow();
        await().atMost(TestTime.scaled(Duration.ofSeconds(10))).until(() -> leader.descendants().count() >= 2);
        List<ProcessHandle> tree = new ArrayList<>(leader.descendants().toList());

        long begun = System.nanoTime();
        ChildProcess.Stopped stopped = child.stop(Duration.ofMillis(200), Duration.ofSeconds(1));
        Duration took = Duration.ofNanos(System.nanoTime() - begun);

        assertThat(stopped.signal()).isEqualTo("KILL");
        assertThat(took).isLessThan(TestTime.scaled(Duration.ofSeconds(3)));
        await().atMost(TestTime.scaled(Duration.ofSeconds(2))).until(() -> tree.stream().noneMatch(ProcessHandle::isAlive));
    }

    @Test
    void aTreeThatHonoursSigtermEndsOnIt() throws Exception {
        ChildProcess child = start(server("sh", List.of("-c", "sleep 600 & wait"), Map.of(), Optional.empty(),
                List.of()), Map.of());
        ProcessHandle leader = ProcessHandle.of(child.pid()).orElseThrow();
        await().atMost(TestTime.scaled(Duration.ofSeconds(10))).until(() -> leader.descendants().count() >= 1);
        List<ProcessHandle> tree = new ArrayList<>(leader.descendants().toList());

        ChildProcess.Stopped stopped = child.stop(Duration.ofMillis(200), Duration.ofSeconds(10));

        assertThat(stopped.signal()).isEqualTo("TERM");
        await().atMost(TestTime.scaled(Duration.ofSeconds(2))).until(() -> tree.stream().noneMatch(ProcessHandle::isAlive));
    }
}
