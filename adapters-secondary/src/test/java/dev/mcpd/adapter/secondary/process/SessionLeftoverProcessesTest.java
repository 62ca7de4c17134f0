package dev.mcpd.adapter.secondary.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mcpd.domain.model.Pid;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * B-E3 after a SIGKILL: a session leader standing in for a daemon started with {@code setsid} starts two children,
 * is SIGKILLed, and its successor finds and stops exactly those children.
 */
class SessionLeftoverProcessesTest {

    private final ProcessHandleLivenessProbe probe = new ProcessHandleLivenessProbe();
    private final SessionLeftoverProcesses leftovers = new SessionLeftoverProcesses(probe);
    private final List<ProcessHandle> started = new ArrayList<>();

    @AfterEach
    void killEverythingStarted() {
        started.forEach(ProcessHandle::destroyForcibly);
    }

    /** Starts a session leader with two sleeping children; returns the leader's pid with its start instant. */
    private Pid sessionWithTwoChildren() throws Exception {
        Process leader = new ProcessBuilder("setsid", "sh", "-c", "sleep 600 & sleep 600 & wait").start();
        started.add(leader.toHandle());
        await().atMost(Duration.ofSeconds(5)).until(() -> leader.toHandle().children().count() == 2);
        leader.toHandle().children().forEach(started::add);
        return probe.identify(leader.pid()).orElseThrow();
    }

    @Test
    void findsAndStopsWhatAKilledSessionLeaderLeftRunning() throws Exception {
        Pid daemon = sessionWithTwoChildren();
        List<Long> children = started.subList(1, 3).stream().map(ProcessHandle::pid).toList();

        ProcessHandle leader = started.getFirst(); // our own child: the JVM reaps it, so keep its handle
        leader.destroyForcibly(); // SIGKILL: the children keep running
        assertThat(leader.onExit().get(5, TimeUnit.SECONDS).isAlive()).isFalse();
        await().atMost(Duration.ofSeconds(5)).until(() -> ProcessHandle.of(daemon.value()).isEmpty());

        List<Pid> found = leftovers.find(daemon);
        assertThat(found).extracting(Pid::value).containsExactlyInAnyOrderElementsOf(children);

        assertThat(leftovers.stop(found, Duration.ofMillis(500))).isZero();
        for (Pid child : found) {
            // gone, or a zombie waiting for its new parent to reap it: dead either way (B-L3)
            assertThat(probe.check(child)).isEqualTo(dev.mcpd.domain.port.LivenessProbe.Liveness.DEAD);
        }
    }

    @Test
    void findsNothingWhileTheDaemonPidStillExists() throws Exception {
        Pid daemon = sessionWithTwoChildren();
        assertThat(leftovers.find(daemon)).isEmpty();
    }

    @Test
    void neverTakesProcessesOlderThanTheDeadDaemon() throws Exception {
        Pid daemon = sessionWithTwoChildren();
        started.getFirst().destroyForcibly();
        await().atMost(Duration.ofSeconds(5)).until(() -> ProcessHandle.of(daemon.value()).isEmpty());
        // A record claiming the daemon started later than its children: they cannot be its leftovers.
        Pid laterDaemon = new Pid(daemon.value(), daemon.startedAt().plusSeconds(60));
        assertThat(leftovers.find(laterDaemon)).isEmpty();
    }
}
