package dev.mcpd.adapter.secondary.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ProcessDaemonLauncher} starting a real process detached (B-S3). */
class ProcessDaemonLauncherTest {

    @TempDir
    Path dir;

    private final String marker = "mcpd-launcher-test-" + UUID.randomUUID();
    private ProcessHandle launched;

    @AfterEach
    void killLaunched() {
        if (launched != null) {
            launched.descendants().forEach(ProcessHandle::destroyForcibly);
            launched.destroyForcibly();
            launched.onExit().orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).join();
        }
    }

    /**
     * {@code sh -c '<script>' <marker>}: the marker is {@code $0}, so the shell's command line names it; scripts end
     * in {@code & wait} so that no shell execs its last command away.
     */
    private ProcessDaemonLauncher launcher(String script, Path log) {
        return new ProcessDaemonLauncher(List.of("sh", "-c", script, marker), log,
                java.util.Map.of("PATH", System.getenv("PATH"), "MCPD_ENGINES", "diagnostics"));
    }

    private ProcessHandle awaitLaunched() {
        launched = await().atMost(Duration.ofSeconds(5)).until(this::findByMarker, Optional::isPresent).orElseThrow();
        return launched;
    }

    /** The daemon: the process whose arguments end with the marker (its reaping parent's hold it too, before others). */
    private Optional<ProcessHandle> findByMarker() {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().arguments().map(args -> args.length >= 3 && args[args.length - 1].equals(marker)
                        && args[0].equals("-c") && !args[1].contains("$@")).orElse(false))
                .findFirst();
    }

    @Test
    void launchesDetachedInANewSessionWithOutputInTheLog() throws Exception {
        Path log = dir.resolve("state").resolve("daemon.log");
        long started = System.nanoTime();
        launcher("echo started $0; echo oops >&2; sleep 30 & wait", log).launch();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("returns without waiting for the daemon")
                .isLessThan(Duration.ofSeconds(2));

        ProcessHandle daemon = awaitLaunched();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(Files.readString(log)).contains("started " + marker).contains("oops"));

        long sid = statField(daemon.pid(), 6);
        assertThat(sid).as("session leader of a new session, so the proxy's terminal and signals do not reach it, and"
                + " its engines' processes carry its pid as session id (B-E3)").isEqualTo(daemon.pid());
        assertThat(sid).isNotEqualTo(statField(ProcessHandle.current().pid(), 6));
        assertThat(daemon.parent().map(ProcessHandle::pid)).as("a parent that reaps it, not this process")
                .isPresent().isNotEqualTo(java.util.Optional.of(ProcessHandle.current().pid()));
        assertThat(Files.readSymbolicLink(Path.of("/proc", Long.toString(daemon.pid()), "fd", "0")))
                .as("stdin is not the proxy's").isEqualTo(Path.of("/dev/null"));
        assertThat(daemon.isAlive()).isTrue();
    }

    @Test
    void theDaemonHasLeftTheLaunchersProcessTreeWhenLaunchReturns() throws Exception { // hosts section 3(a), ADR 0012
        Path log = dir.resolve("daemon.log");
        launcher("sleep 30 & wait", log).launch();

        ProcessHandle daemon = awaitLaunched();
        assertThat(ProcessHandle.current().descendants().map(ProcessHandle::pid))
                .as("not a descendant: `pgrep -P` walks from the proxy (opencode) cannot find it").doesNotContain(daemon.pid());
        assertThat(daemon.parent().map(ProcessHandle::pid)).isNotEqualTo(java.util.Optional.of(ProcessHandle.current().pid()));
        assertThat(statField(daemon.pid(), 5)).as("its own process group: kill(-pgid) of the proxy's group misses it")
                .isEqualTo(daemon.pid()).isNotEqualTo(statField(ProcessHandle.current().pid(), 5));
    }

    @Test
    void aDaemonThatExitsIsReapedAtOnce() throws Exception { // no zombie under a slow init (ADR 0012)
        Path log = dir.resolve("daemon.log");
        launcher("sleep 30 & wait", log).launch();
        ProcessHandle daemon = awaitLaunched();
        long pid = daemon.pid();
        daemon.descendants().forEach(ProcessHandle::destroyForcibly);
        daemon.destroyForcibly();
        await().atMost(Duration.ofMillis(500)).pollInterval(Duration.ofMillis(5))
                .until(() -> !Files.exists(Path.of("/proc", Long.toString(pid))));
        launched = null;
    }

    @Test
    void theDaemonGetsOnlyTheGivenEnvironment() throws Exception { // review finding 8
        Path log = dir.resolve("daemon.log");
        launcher("env; echo end-of-env; sleep 30 & wait", log).launch();
        awaitLaunched();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(Files.readString(log)).contains("end-of-env"));
        List<String> names = Files.readAllLines(log).stream().filter(line -> line.contains("="))
                .map(line -> line.substring(0, line.indexOf('='))).toList();
        assertThat(names).contains("PATH", "MCPD_ENGINES");
        assertThat(System.getenv()).as("the test's own environment has more than that").containsKey("HOME");
        assertThat(names).as("nothing inherited beyond what the shell itself sets")
                .isSubsetOf("PATH", "MCPD_ENGINES", "PWD", "SHLVL", "_", "OLDPWD");
    }

    @Test
    void appendsToAnExistingLog() throws Exception {
        Path log = Files.writeString(dir.resolve("daemon.log"), "previous run\n");
        launcher("echo second run; sleep 30 & wait", log).launch();
        awaitLaunched();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(Files.readString(log)).startsWith("previous run\n").contains("second run"));
    }

    @Test
    void sameJvmRunsThisJavaWithThisClassPath() {
        List<String> command = ProcessDaemonLauncher.sameJvm("dev.mcpd.Main", List.of("-Xss1m"), List.of("daemon", "run"));
        assertThat(Path.of(command.getFirst())).isEqualTo(Path.of(ProcessHandle.current().info().command().orElseThrow()));
        assertThat(command.subList(1, command.size()))
                .containsExactly("-Xss1m", "-cp", System.getProperty("java.class.path"), "dev.mcpd.Main", "daemon", "run");
    }

    /** Field {@code n} (1-based, as in proc(5)) of {@code /proc/<pid>/stat}. */
    private static long statField(long pid, int n) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] afterName = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(afterName[n - 3]);
    }
}
