package dev.mcpd.adapter.secondary.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mcpd.domain.contract.LivenessProbeContract;
import dev.mcpd.domain.model.Pid;
import dev.mcpd.domain.port.LivenessProbe;
import dev.mcpd.domain.port.LivenessProbe.Liveness;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** {@link ProcessHandleLivenessProbe} against the contract, with real child processes. */
class ProcessHandleLivenessProbeTest extends LivenessProbeContract {

    @Override
    protected LivenessProbe newProbe() {
        return new ProcessHandleLivenessProbe();
    }

    @Override
    protected TestProcess startProcess() throws IOException {
        Process process = new ProcessBuilder("sleep", "600").start();
        return new TestProcess() {
            @Override
            public long pid() {
                return process.pid();
            }

            @Override
            public void kill() throws InterruptedException {
                process.destroyForcibly();
                process.waitFor();
            }
        };
    }

    /**
     * Review finding 4: every hello watched its proxy and host pids and never let go, so thousands of short
     * connections naming one long-lived host held thousands of closed connections and 1 Hz polls. One watcher per
     * process now, released with its last watch.
     */
    @Test
    void watchesOfALongLivedProcessAreReleasedWithTheirLastClose() throws Exception {
        TestProcess host = startProcess();
        try {
            ProcessHandleLivenessProbe real = (ProcessHandleLivenessProbe) probe;
            Pid pid = real.identify(host.pid()).orElseThrow();
            LivenessProbe.ExitWatch kept = real.onExit(pid, () -> {});
            for (int i = 0; i < 5_000; i++) {
                real.onExit(pid, () -> {}).close();
            }
            assertThat(real.openWatches()).isEqualTo(1);
            assertThat(real.polledProcesses()).isEqualTo(1);
            kept.close();
            assertThat(real.openWatches()).isZero();
            assertThat(real.polledProcesses()).as("no 1 Hz poll once nobody watches").isZero();
        } finally {
            host.kill();
        }
    }

    @Test
    void theAncestorsOfAChildStartWithThisJvm() throws Exception {
        TestProcess child = startProcess();
        try {
            List<Long> ancestors = probe.ancestors(child.pid());
            assertThat(ancestors.getFirst()).isEqualTo(ProcessHandle.current().pid());
            assertThat(ancestors).containsAll(probe.ancestors(ProcessHandle.current().pid()));
        } finally {
            child.kill();
        }
    }

    @Test
    void watchingThisProcessIsANoOp() {
        Pid self = probe.identify(ProcessHandle.current().pid()).orElseThrow();
        AtomicInteger runs = new AtomicInteger();
        probe.onExit(self, runs::incrementAndGet).close();
        assertThat(runs).hasValue(0);
    }

    @Test
    void identifiesThisJvmWithTheStartInstantTheJdkReports() {
        long self = ProcessHandle.current().pid();
        Pid pid = probe.identify(self).orElseThrow();
        assertThat(pid.startedAt()).isEqualTo(ProcessHandle.current().info().startInstant().orElseThrow());
        assertThat(probe.check(pid)).isEqualTo(Liveness.ALIVE);
    }

    @Test
    void nonPositivePidsIdentifyNothing() {
        assertThat(probe.identify(0)).isEmpty();
        assertThat(probe.identify(-1)).isEmpty();
    }

    @Test
    void aPidWithoutAStartInstantIsJudgedOnTheNumberAlone() throws Exception {
        TestProcess process = startProcess();
        Pid unverified = Pid.unverified(process.pid());
        assertThat(probe.check(unverified)).isEqualTo(Liveness.ALIVE);
        process.kill();
        assertThat(probe.check(unverified)).isEqualTo(Liveness.DEAD);
        assertThat(probe.identify(process.pid())).isEmpty();
    }

    /**
     * B-L3: a zombie has exited, though {@link ProcessHandle#isAlive()} still says true. The zombie here is the
     * {@code sleep} a shell forks before exec-ing a {@code sleep 600} that never reaps it (the JDK reaps only the
     * children it started itself).
     */
    @Test
    void aZombieIsDeadAndCannotBeIdentified() throws Exception {
        Process parent = new ProcessBuilder("sh", "-c", "sleep 1 & exec sleep 600").start();
        try {
            long zombiePid = await().atMost(Duration.ofSeconds(5))
                    .until(() -> childPids(parent.pid()), children -> !children.isEmpty()).getFirst();
            Optional<Pid> whileRunning = probe.identify(zombiePid);
            assertThat(whileRunning).as("identified while it still ran").isPresent();
            AtomicInteger exits = new AtomicInteger();

            await().atMost(Duration.ofSeconds(10)).until(() -> processState(zombiePid) == 'Z');
            assertThat(ProcessHandle.of(zombiePid).map(ProcessHandle::isAlive))
                    .as("the JDK alone would take the zombie for alive").contains(true);
            assertThat(probe.check(whileRunning.get())).isEqualTo(Liveness.DEAD);
            assertThat(probe.check(Pid.unverified(zombiePid))).isEqualTo(Liveness.DEAD);
            assertThat(probe.identify(zombiePid)).isEmpty();
            probe.onExit(whileRunning.get(), exits::incrementAndGet);
            await().atMost(Duration.ofSeconds(5)).until(() -> exits.get() == 1);
        } finally {
            parent.destroyForcibly();
            parent.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /**
     * B-L3 "promptly when the process exit is observed": a watched process that is not our child and exits into a
     * zombie. The JDK waits on a non-child by polling {@code isAlive()}, which stays true for a zombie, so
     * {@code onExit} as written never fires; only the periodic sweep ({@link LivenessProbe#check}) catches it.
     */
    @Test
    void runsTheExitActionWhenAWatchedNonChildBecomesAZombie() throws Exception {
        Process parent = new ProcessBuilder("sh", "-c", "sleep 1 & exec sleep 600").start();
        try {
            long zombiePid = await().atMost(Duration.ofSeconds(5))
                    .until(() -> childPids(parent.pid()), children -> !children.isEmpty()).getFirst();
            Pid pid = probe.identify(zombiePid).orElseThrow();
            AtomicInteger exits = new AtomicInteger();
            probe.onExit(pid, exits::incrementAndGet);
            await().atMost(Duration.ofSeconds(10)).until(() -> processState(zombiePid) == 'Z');
            await().atMost(Duration.ofSeconds(5)).until(() -> exits.get() == 1);
        } finally {
            parent.destroyForcibly();
            parent.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static List<Long> childPids(long parent) {
        return ProcessHandle.of(parent).stream().flatMap(ProcessHandle::children).map(ProcessHandle::pid).toList();
    }

    /** The state letter in {@code /proc/<pid>/stat}, or {@code ?} once the process is gone. */
    static char processState(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2);
        } catch (IOException | RuntimeException e) {
            return '?';
        }
    }
}
