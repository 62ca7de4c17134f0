package dev.mcpd.application.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpd.application.daemon.HelloProtocol;
import dev.mcpd.application.wire.PipedConnection;
import dev.mcpd.application.wire.TestJsonCodec;
import dev.mcpd.domain.fake.InMemoryLivenessProbe;
import dev.mcpd.domain.model.DaemonHello;
import dev.mcpd.domain.model.DaemonRecord;
import dev.mcpd.domain.model.Endpoint;
import dev.mcpd.domain.model.PeerCredentials;
import dev.mcpd.domain.model.Pid;
import dev.mcpd.domain.model.TransportKind;
import dev.mcpd.domain.port.DaemonConnector;
import dev.mcpd.domain.port.StateDirectory;
import dev.mcpd.domain.testing.ManualTicker;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@link DaemonFinder}'s launch decisions (B-S3, B-S4): what it launches, and when it only waits. Time is a
 * {@link ManualTicker} that moves {@link #LOOK} at each look at the record, so timeouts and the grace are counted in
 * looks, not waited for.
 */
class DaemonFinderTest {

    /** The ticker time one look at the record takes. */
    private static final Duration LOOK = Duration.ofMillis(50);

    private final ManualTicker ticker = new ManualTicker();
    private final InMemoryLivenessProbe probe = new InMemoryLivenessProbe();
    private final State state = new State(ticker);
    private final AtomicInteger launches = new AtomicInteger();

    @Test
    @DisplayName("B-S3 no record and a free lock: the finder launches one daemon, once")
    void launchesOnceWhenNothingRuns() {
        assertThat(find()).isInstanceOf(DaemonFinder.Result.NotReachable.class);
        assertThat(launches.get()).isEqualTo(1);
    }

    @Test
    @DisplayName("B-S3 B-S4 the lock held but no record yet: the finder waits for that daemon and never launches a second")
    void waitsWhileALiveDaemonHoldsTheLock() {
        state.holder = Optional.of(probe.start(Instant.EPOCH));

        DaemonFinder.Result result = find();

        assertThat(launches.get()).isZero();
        assertThat(((DaemonFinder.Result.NotReachable) result).reason()).contains("holds the scope lock");
    }

    @Test
    @DisplayName("B-S4 another proxy holds the launch lock: the finder waits for the daemon it launches")
    void waitsWhileAnotherProxyLaunches() {
        state.launchLockFree = false;

        find();

        assertThat(launches.get()).isZero();
    }

    @Test
    @DisplayName("B-S4 the launch lock is held while the finder waits for the daemon it launched, and released after")
    void holdsTheLaunchLockUntilItHasAnAnswer() {
        find();

        assertThat(launches.get()).isEqualTo(1);
        assertThat(state.launchLockFree).as("released when find returned").isTrue();
        assertThat(state.launchLockTaken).isEqualTo(1);
    }

    @Test
    @DisplayName("B-S3 a stale record (its pid is dead) and a free lock: the finder launches a daemon, deleting nothing")
    void launchesOverAStaleRecord() {
        long dead = probe.start(Instant.EPOCH);
        probe.kill(dead);
        state.record = Optional.of(new DaemonRecord(new Pid(dead, Instant.EPOCH), "1.0", "user:1",
                List.of(new Endpoint(TransportKind.UNIX_SOCKET, "/nowhere/daemon.sock")), Instant.EPOCH, null));

        find();

        assertThat(launches.get()).isEqualTo(1);
        assertThat(state.record).as("only the lock holder cleans up (B-S5)").isPresent();
    }

    @Test
    @DisplayName("B-S3 a record whose pid looks alive (an unreaped zombie) but never answers, lock free: one launch after a grace")
    void launchesOverAnUnansweringRecordWhenNobodyHoldsTheLock() {
        long zombie = probe.start(Instant.EPOCH);
        state.record = Optional.of(new DaemonRecord(new Pid(zombie, Instant.EPOCH), "1.0", "user:1",
                List.of(new Endpoint(TransportKind.UNIX_SOCKET, "/nowhere/daemon.sock")), Instant.EPOCH, null));

        find(Duration.ofMillis(300));
        assertThat(launches.get()).as("within the grace a live-looking daemon is waited for").isZero();

        find(Duration.ofMillis(1500));
        assertThat(launches.get()).isEqualTo(1);
    }

    @Test
    @DisplayName("review finding 13: a process answering on the record's endpoint with another pid is not the daemon")
    void aDaemonHelloWithAnotherPidThanTheRecordsIsNotUsed() throws IOException {
        long daemon = probe.start(Instant.EPOCH);
        state.record = Optional.of(new DaemonRecord(new Pid(daemon, Instant.EPOCH), "1.0", "user:1",
                List.of(new Endpoint(TransportKind.UNIX_SOCKET, "/state/daemon.sock")), Instant.EPOCH, null));
        List<PipedConnection> dialled = new CopyOnWriteArrayList<>();
        DaemonFinder finder = finder(endpoint -> {
            PipedConnection squatter = new PipedConnection(PeerCredentials.unknown());
            squatter.farSide().send(HelloProtocol.daemonHello(new DaemonHello("1.0", 1, daemon + 1, "user:1")));
            dialled.add(squatter);
            return squatter;
        }, Duration.ofMillis(200));

        DaemonFinder.Result result = finder.find();

        assertThat(result).isInstanceOf(DaemonFinder.Result.NotReachable.class);
        assertThat(((DaemonFinder.Result.NotReachable) result).reason()).contains("not the record's pid " + daemon);
        assertThat(dialled).isNotEmpty().allSatisfy(c -> assertThat(c.isOpen()).as("closed").isFalse());
    }

    @Test
    @DisplayName("B-S3 the record's daemon, answering with the record's pid, is used")
    void theRecordsDaemonIsFound() {
        long daemon = probe.start(Instant.EPOCH);
        state.record = Optional.of(new DaemonRecord(new Pid(daemon, Instant.EPOCH), "1.0", "user:1",
                List.of(new Endpoint(TransportKind.UNIX_SOCKET, "/state/daemon.sock")), Instant.EPOCH, null));
        DaemonFinder.Result result = finder(endpoint -> {
            PipedConnection real = new PipedConnection(PeerCredentials.unknown());
            real.farSide().send(HelloProtocol.daemonHello(new DaemonHello("1.0", 1, daemon, "user:1")));
            return real;
        }, Duration.ofMillis(200)).find();

        assertThat(result).isInstanceOf(DaemonFinder.Result.Found.class);
        assertThat(launches.get()).isZero();
    }

    private DaemonFinder.Result find() {
        return find(Duration.ofMillis(100));
    }

    private DaemonFinder.Result find(Duration timeout) {
        return finder(endpoint -> {
            throw new IOException("nothing listens at " + endpoint);
        }, timeout).find();
    }

    private DaemonFinder finder(DaemonConnector connector, Duration timeout) {
        return new DaemonFinder(state, probe, connector, launches::incrementAndGet, new TestJsonCodec(),
                new DaemonFinder.Settings("1.0", timeout, 1 << 20), ticker);
    }

    /** A state dir whose record and lock holder the test sets; each look at the record moves the ticker by {@link #LOOK}. */
    private static final class State implements StateDirectory {
        private final ManualTicker ticker;
        volatile Optional<DaemonRecord> record = Optional.empty();
        volatile Optional<Long> holder = Optional.empty();
        volatile boolean launchLockFree = true;
        volatile int launchLockTaken;

        State(ManualTicker ticker) {
            this.ticker = ticker;
        }

        @Override public Path root() { return Path.of("/state"); }
        @Override public Path socketPath() { return Path.of("/state/daemon.sock"); }
        @Override public Path logPath() { return Path.of("/state/daemon.log"); }
        @Override public void prepare() {}
        @Override public Optional<ScopeLock> tryLock() { throw new AssertionError("a proxy never takes the lock"); }
        @Override public Optional<Long> lockHolder() { return holder; }

        @Override
        public synchronized Optional<ScopeLock> tryLaunchLock() {
            if (!launchLockFree) {
                return Optional.empty();
            }
            launchLockFree = false;
            launchLockTaken++;
            return Optional.of(() -> launchLockFree = true);
        }

        @Override
        public Optional<DaemonRecord> readRecord() {
            ticker.advance(LOOK);
            return record;
        }
        @Override public void writeRecord(DaemonRecord r) { throw new AssertionError("a proxy never writes the record"); }
        @Override public void removeRecordAndSocket() { throw new AssertionError("a proxy never removes the record"); }
        @Override public Optional<String> integrityProblem() { return Optional.empty(); }
        @Override public void recordExit(String line) {}
        @Override public List<String> recentExits(int limit) { return List.of(); }
    }
}
