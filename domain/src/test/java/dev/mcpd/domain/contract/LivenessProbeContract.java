package dev.mcpd.domain.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mcpd.domain.model.Pid;
import dev.mcpd.domain.port.LivenessProbe;
import dev.mcpd.domain.port.LivenessProbe.Liveness;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The contract every {@link LivenessProbe} passes (B-L2, B-L3). */
public abstract class LivenessProbeContract {

    /** A process the test controls. */
    public interface TestProcess {
        long pid();

        /** Ends the process and waits until it is gone. */
        void kill() throws InterruptedException;
    }

    protected LivenessProbe probe;

    protected abstract LivenessProbe newProbe();

    /** Starts a process that runs until killed. */
    protected abstract TestProcess startProcess() throws Exception;

    @BeforeEach
    void create() {
        probe = newProbe();
    }

    @Test
    void identifiesARunningProcessWithItsStartInstant() throws Exception {
        TestProcess process = startProcess();
        try {
            Pid pid = probe.identify(process.pid()).orElseThrow();
            assertThat(pid.value()).isEqualTo(process.pid());
            assertThat(pid.start()).isPresent();
            assertThat(probe.check(pid)).isEqualTo(Liveness.ALIVE);
        } finally {
            process.kill();
        }
    }

    @Test
    void aProcessThatExitedIsDeadAndCannotBeIdentified() throws Exception {
        TestProcess process = startProcess();
        Pid pid = probe.identify(process.pid()).orElseThrow();
        process.kill();
        assertThat(probe.check(pid)).isEqualTo(Liveness.DEAD);
    }

    @Test
    void aReusedPidIsADeadProcess() throws Exception {
        TestProcess process = startProcess();
        try {
            Pid real = probe.identify(process.pid()).orElseThrow();
            Pid earlierOwner = new Pid(real.value(), real.startedAt().minusSeconds(3600));
            assertThat(probe.check(earlierOwner)).isEqualTo(Liveness.DEAD);
        } finally {
            process.kill();
        }
    }

    @Test
    void runsTheExitActionOnceWhenTheProcessExits() throws Exception {
        TestProcess process = startProcess();
        Pid pid = probe.identify(process.pid()).orElseThrow();
        AtomicInteger runs = new AtomicInteger();
        probe.onExit(pid, runs::incrementAndGet);
        assertThat(runs).hasValue(0);
        process.kill();
        await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() == 1);
    }

    @Test
    void runsTheExitActionAtOnceForAProcessAlreadyGone() throws Exception {
        TestProcess process = startProcess();
        Pid pid = probe.identify(process.pid()).orElseThrow();
        process.kill();
        AtomicInteger runs = new AtomicInteger();
        probe.onExit(pid, runs::incrementAndGet);
        await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() == 1);
    }

    @Test
    void aClosedWatchNeverRunsItsAction() throws Exception {
        TestProcess process = startProcess();
        Pid pid = probe.identify(process.pid()).orElseThrow();
        AtomicInteger withdrawn = new AtomicInteger();
        AtomicInteger kept = new AtomicInteger();
        LivenessProbe.ExitWatch watch = probe.onExit(pid, withdrawn::incrementAndGet);
        probe.onExit(pid, kept::incrementAndGet);
        watch.close();
        watch.close(); // idempotent
        process.kill();
        await().atMost(Duration.ofSeconds(5)).until(() -> kept.get() == 1);
        assertThat(withdrawn).as("review finding 4: a closed watch is withdrawn").hasValue(0);
    }

    @Test
    void closingAWatchAfterItsActionRanIsHarmless() throws Exception {
        TestProcess process = startProcess();
        Pid pid = probe.identify(process.pid()).orElseThrow();
        process.kill();
        AtomicInteger runs = new AtomicInteger();
        LivenessProbe.ExitWatch watch = probe.onExit(pid, runs::incrementAndGet);
        await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() == 1);
        watch.close();
        assertThat(runs).hasValue(1);
    }

    @Test
    void aProcessThatIsGoneHasNoAncestors() throws Exception {
        TestProcess process = startProcess();
        process.kill();
        assertThat(probe.ancestors(process.pid())).isEmpty();
    }
}
