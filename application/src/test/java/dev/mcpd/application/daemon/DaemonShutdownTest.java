package dev.mcpd.application.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mcpd.application.wire.TestJsonCodec;
import dev.mcpd.domain.fake.InMemoryLivenessProbe;
import dev.mcpd.domain.fake.InMemoryTransport;
import dev.mcpd.domain.model.Availability;
import dev.mcpd.domain.model.DaemonRecord;
import dev.mcpd.domain.model.Endpoint;
import dev.mcpd.domain.model.Pid;
import dev.mcpd.domain.model.TransportKind;
import dev.mcpd.domain.port.ConnectionHandler;
import dev.mcpd.domain.port.LeftoverProcesses;
import dev.mcpd.domain.port.Transport;
import dev.mcpd.domain.testing.ManualTicker;
import dev.mcpd.domain.testing.TestTime;
import dev.mcpd.testing.state.InMemoryStateDirectory;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The daemon's shutdown watchdog (B-E2; review finding 2, ADR 0010) and the record of a predecessor's unclean death
 * (B-L6; review finding 17), with an in-memory state dir and transport; the halt is recorded instead of ending the JVM.
 * The grace period and the halt margin are counted on a {@link ManualTicker} the tests move.
 */
class DaemonShutdownTest {

    private static final Duration SLACK = TestTime.millis(3_000);
    /** How long "nothing happens yet" is watched for. */
    private static final Duration QUIET = TestTime.millis(200);

    private final ManualTicker ticker = new ManualTicker();

    private final InMemoryStateDirectory state = new InMemoryStateDirectory();
    private final InMemoryLivenessProbe probe = new InMemoryLivenessProbe();
    private final HangingTransport transport = new HangingTransport();
    private final CompletableFuture<Integer> halted = new CompletableFuture<>();
    private final CompletableFuture<Integer> returned = new CompletableFuture<>();
    private Daemon daemon;

    @AfterEach
    void release() throws InterruptedException {
        transport.release();
        if (daemon != null) {
            daemon.requestStop("test over");
            daemon.awaitTermination(SLACK);
        }
    }

    @Test
    @DisplayName("B-E2 review finding 2: a shutdown step that hangs is cut off at the grace period: connections closed, exit recorded, halt with 4")
    void aHangingShutdownIsHaltedWithExitForced() throws Exception {
        Duration grace = Duration.ofMillis(300);
        start(grace);
        transport.hangOnStop();

        daemon.requestStop("test");
        await().atMost(SLACK).until(transport::stopping);
        ticker.advance(grace.minusMillis(1));
        await().during(QUIET).atMost(QUIET.plus(SLACK)).until(() -> transport.forcefullyStopped.getCount() == 1);
        ticker.advance(Duration.ofMillis(1));
        await().atMost(SLACK).until(() -> transport.forcefullyStopped.getCount() == 0);
        await().during(QUIET).atMost(QUIET.plus(SLACK)).until(() -> !halted.isDone());
        assertThat(halted).as("no halt before the ticker has passed grace + HALT_MARGIN").isNotDone();

        assertThat(haltAfterTheHaltMargin()).isEqualTo(Daemon.EXIT_FORCED);
        assertThat(transport.forcefullyStopped.getCount()).as("every connection was closed first").isZero();
        assertThat(state.recentExits(1).getFirst()).contains("exit 4: test").contains("not finished within the grace period")
                .contains("halted at step: stop accepting");
        assertThat(state.readRecord()).as("its record removed").isEmpty();
    }

    @Test
    @DisplayName("B-E2 review finding 2: forceStop (a second signal) fires the watchdog at once, long before the grace period")
    void aSecondStopSignalForcesAtOnce() throws Exception {
        start(Duration.ofMinutes(10));
        transport.hangOnStop();
        daemon.requestStop("SIGTERM");
        await().atMost(SLACK).until(transport::stopping);

        daemon.forceStop("second signal: SIGTERM");

        assertThat(haltAfterTheHaltMargin()).isEqualTo(Daemon.EXIT_FORCED);
        assertThat(state.recentExits(1).getFirst()).contains("exit 4: SIGTERM").contains("forced by a second stop signal");
    }

    @Test
    @DisplayName("B-E2 forced connections make the exit code 4 even when the orderly path then finishes in time")
    void aForcedShutdownThatFinishesExitsWithForcedNotOk() throws Exception {
        start(Duration.ofMinutes(10));
        transport.hangOnStop();
        daemon.requestStop("SIGTERM");
        await().atMost(SLACK).until(transport::stopping);
        daemon.forceStop("second signal: SIGTERM");
        await().atMost(SLACK).until(() -> transport.forcefullyStopped.getCount() == 0);

        transport.release(); // the orderly path goes on and finishes within the margin

        assertThat(returned.get(SLACK.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(Daemon.EXIT_FORCED);
        assertThat(halted).as("finished: no halt").isNotDone();
        assertThat(state.isLocked()).isFalse();
    }

    @Test
    @DisplayName("B-E1 an orderly shutdown within the grace period exits 0, and its watchdog ends without halting")
    void anOrderlyShutdownNeverHalts() throws Exception {
        start(Duration.ofMillis(300));

        daemon.requestStop("test");

        assertThat(returned.get(SLACK.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(Daemon.EXIT_OK);
        await().atMost(SLACK).until(() -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().equals("mcpd-shutdown-watchdog") && t.isAlive()));
        assertThat(halted).isNotDone();
        assertThat(state.recentExits(1).getFirst()).contains("exit 0: test");
    }

    @Test
    @DisplayName("B-L6 review finding 17: a predecessor that died without shutting down is recorded in the exit history, code unknown")
    void aPredecessorThatDiedIsRecorded() throws Exception {
        long deadPid = probe.start(Instant.parse("2026-01-01T06:00:00Z"));
        Pid dead = probe.identify(deadPid).orElseThrow();
        probe.kill(deadPid);
        state.writeRecord(new DaemonRecord(dead, "1.2.3", "user:1000", List.of(new Endpoint(TransportKind.IN_MEMORY, "x")),
                Instant.parse("2026-01-01T06:00:01Z"), null));

        start(Duration.ofSeconds(1));

        assertThat(state.recentExits(10)).anySatisfy(line -> assertThat(line)
                .contains("pid " + deadPid + " died without shutting down").contains("exit code unknown"));
        assertThat(daemon.status().recentExits()).anySatisfy(line -> assertThat(line).contains("pid " + deadPid));
    }

    /** Moves the ticker by {@link Daemon#HALT_MARGIN} until the watchdog halts; @return the halt's exit code. */
    private int haltAfterTheHaltMargin() throws Exception {
        await().atMost(SLACK).until(() -> {
            ticker.advance(Daemon.HALT_MARGIN);
            return halted.isDone();
        });
        return halted.get(SLACK.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void start(Duration grace) {
        DaemonSettings settings = new DaemonSettings(Duration.ZERO, Duration.ofSeconds(1), grace, Duration.ofMinutes(1),
                64 * 1024, 100);
        daemon = new Daemon(new DaemonIdentity("1.2.3", new Pid(ProcessHandle.current().pid(), Instant.parse("2026-01-01T00:00:00Z")),
                1000, "user:1000"), settings, new DaemonPorts(state, List.of(transport), List.of(), new DaemonClientRegistry(),
                probe, new TestJsonCodec(), LeftoverProcesses.none(), Clock.systemUTC(), ticker), halted::complete);
        Thread.ofPlatform().name("daemon-under-test").daemon().start(() -> {
            try {
                returned.complete(daemon.run());
            } catch (IOException | RuntimeException e) {
                returned.completeExceptionally(e);
            }
        });
        await().atMost(SLACK).until(() -> state.readRecord().map(r -> r.version().equals("1.2.3")
                && r.pid().value() == ProcessHandle.current().pid()).orElse(false));
    }

    /** The in-memory transport, whose {@code requestStop} can be made to hang until released (an unknown blocker). */
    private static final class HangingTransport implements Transport {
        private final InMemoryTransport delegate = new InMemoryTransport("hanging");
        private final CountDownLatch released = new CountDownLatch(1);
        private final CountDownLatch forcefullyStopped = new CountDownLatch(1);
        private volatile boolean hang;
        private volatile boolean stopping;

        void hangOnStop() {
            hang = true;
        }

        void release() {
            released.countDown();
        }

        boolean stopping() {
            return stopping;
        }

        @Override
        public TransportKind kind() {
            return delegate.kind();
        }

        @Override
        public Availability availability() {
            return delegate.availability();
        }

        @Override
        public Endpoint start(ConnectionHandler handler) {
            return delegate.start(handler);
        }

        @Override
        public int openConnections() {
            return delegate.openConnections();
        }

        @Override
        public void requestStop() {
            stopping = true;
            if (hang) {
                try {
                    released.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            delegate.requestStop();
        }

        @Override
        public void requestForcefulStop() {
            delegate.requestForcefulStop();
            forcefullyStopped.countDown();
        }

        @Override
        public void close() {
            requestForcefulStop();
        }
    }
}
