package dev.mcpd.testing.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpd.domain.model.DaemonRecord;
import dev.mcpd.domain.model.Endpoint;
import dev.mcpd.domain.model.Pid;
import dev.mcpd.domain.model.TransportKind;
import dev.mcpd.domain.port.StateDirectory;
import dev.mcpd.domain.port.StateDirectory.ScopeLock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link StateDirectory} passes, the file implementation and the in-memory fake alike: one scope
 * lock at a time (B-S1), the discovery record written, read and removed only while still ours (B-S2, B-S5), the lock
 * holder told when its files are no longer what it made (B-L6), and the exit history newest first.
 */
public abstract class StateDirectoryContract {

    protected StateDirectory state;

    /** A fresh, empty state directory (not yet prepared). */
    protected abstract StateDirectory newStateDirectory() throws Exception;

    /** Makes the lock holder's files no longer what it made (e.g. removes {@code daemon.lock}). */
    protected abstract void breakIntegrity(StateDirectory state) throws Exception;

    @BeforeEach
    void prepare() throws Exception {
        state = newStateDirectory();
        state.prepare();
    }

    private static DaemonRecord record(long pid, String version) {
        return new DaemonRecord(new Pid(pid, Instant.parse("2026-01-02T03:04:05.678Z")), version, "user:1000",
                List.of(new Endpoint(TransportKind.UNIX_SOCKET, "/run/user/1000/mcpd/daemon.sock")),
                Instant.parse("2026-01-02T03:04:06Z"), null);
    }

    @Test
    void theSocketAndTheLogLieInTheRootAndPreparingAgainChangesNothing() throws Exception {
        assertThat(state.socketPath().getParent()).isEqualTo(state.root());
        assertThat(state.logPath().getParent()).isEqualTo(state.root());

        state.prepare();

        assertThat(state.readRecord()).isEmpty();
    }

    @Test
    @DisplayName("B-S1 one scope lock at a time; closing it lets the next one in")
    void oneScopeLockAtATime() throws Exception {
        Optional<ScopeLock> first = state.tryLock();
        assertThat(first).isPresent();
        assertThat(state.tryLock()).as("while held").isEmpty();

        first.orElseThrow().close();

        Optional<ScopeLock> again = state.tryLock();
        assertThat(again).as("released by close").isPresent();
        again.orElseThrow().close();
    }

    @Test
    @DisplayName("B-S4 the proxies' launch lock never keeps a daemon from the scope lock")
    void theLaunchLockIsNotTheScopeLock() throws Exception {
        try (ScopeLock launch = state.tryLaunchLock().orElseThrow()) {
            Optional<ScopeLock> scope = state.tryLock();
            assertThat(scope).isPresent();
            scope.orElseThrow().close();
        }
    }

    @Test
    @DisplayName("B-S2 no record reads as empty; a written record reads back, and the next one replaces it")
    void aRecordRoundTripsAndIsReplacedByTheNext() throws Exception {
        assertThat(state.readRecord()).isEmpty();
        try (ScopeLock lock = state.tryLock().orElseThrow()) {
            state.writeRecord(record(1, "0.1.0"));
            assertThat(state.readRecord()).contains(record(1, "0.1.0"));

            state.writeRecord(record(2, "0.2.0"));
            assertThat(state.readRecord()).contains(record(2, "0.2.0"));
        }
    }

    @Test
    void removingTheRecordAndSocketEmptiesTheScopeAndIsQuietWhenNothingIsThere() throws Exception {
        try (ScopeLock lock = state.tryLock().orElseThrow()) {
            state.writeRecord(record(1, "0.1.0"));

            state.removeRecordAndSocket();
            assertThat(state.readRecord()).isEmpty();

            state.removeRecordAndSocket();
            assertThat(state.readRecord()).isEmpty();
        }
    }

    @Test
    @DisplayName("B-S2, B-S5 a record is removed only while it is still ours")
    void aRecordIsRemovedOnlyWhileItIsStillOurs() throws Exception {
        try (ScopeLock lock = state.tryLock().orElseThrow()) {
            assertThat(state.removeRecordIfOwnedBy(record(1, "0.1.0").pid())).as("no record").isFalse();

            state.writeRecord(record(2, "0.1.0"));
            assertThat(state.removeRecordIfOwnedBy(record(1, "0.1.0").pid())).as("another daemon's").isFalse();
            assertThat(state.readRecord()).contains(record(2, "0.1.0"));

            assertThat(state.removeRecordIfOwnedBy(record(2, "0.1.0").pid())).as("ours").isTrue();
            assertThat(state.readRecord()).isEmpty();
        }
    }

    @Test
    @DisplayName("B-L6 the lock holder is told when its files are no longer what it made")
    void theLockHolderIsToldWhenItsFilesAreNoLongerWhatItMade() throws Exception {
        try (ScopeLock lock = state.tryLock().orElseThrow()) {
            assertThat(state.integrityProblem()).as("intact").isEmpty();

            breakIntegrity(state);

            assertThat(state.integrityProblem()).isPresent();
        }
    }

    @Test
    void theExitHistoryIsNewestFirstAndBoundedByTheLimitAsked() {
        assertThat(state.recentExits(10)).isEmpty();

        state.recordExit("first");
        state.recordExit("second");
        state.recordExit("third");

        assertThat(state.recentExits(10)).containsExactly("third", "second", "first");
        assertThat(state.recentExits(2)).containsExactly("third", "second");
    }
}
