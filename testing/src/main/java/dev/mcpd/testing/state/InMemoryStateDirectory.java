package dev.mcpd.testing.state;

import dev.mcpd.domain.model.DaemonRecord;
import dev.mcpd.domain.port.StateDirectory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A {@link StateDirectory} in memory, for driving a daemon in a test: one lock, one record, an exit history, and an
 * integrity problem the test sets ({@link #reportIntegrityProblem}). Held to the port's semantics by
 * {@link StateDirectoryContract}, as the file implementation is.
 */
public final class InMemoryStateDirectory implements StateDirectory {

    private final AtomicBoolean locked = new AtomicBoolean();
    private final List<String> exits = new ArrayList<>();
    private volatile DaemonRecord record;
    /** What {@link #integrityProblem()} reports; null: intact. */
    private volatile String problem;

    @Override
    public Path root() {
        return Path.of("/nonexistent/mcpd-test");
    }

    @Override
    public Path socketPath() {
        return root().resolve("daemon.sock");
    }

    @Override
    public Path logPath() {
        return root().resolve("daemon.log");
    }

    @Override
    public void prepare() {}

    @Override
    public Optional<ScopeLock> tryLock() {
        return locked.compareAndSet(false, true) ? Optional.of(() -> locked.set(false)) : Optional.empty();
    }

    /** Whether the scope lock is held. */
    public boolean isLocked() {
        return locked.get();
    }

    @Override
    public Optional<DaemonRecord> readRecord() {
        return Optional.ofNullable(record);
    }

    @Override
    public void writeRecord(DaemonRecord record) {
        this.record = record;
    }

    @Override
    public void removeRecordAndSocket() {
        record = null;
    }

    /** Makes {@link #integrityProblem()} report {@code problem} from now on (null: intact again), as a removed lock file would. */
    public void reportIntegrityProblem(String problem) {
        this.problem = problem;
    }

    @Override
    public Optional<String> integrityProblem() {
        return Optional.ofNullable(problem);
    }

    @Override
    public synchronized void recordExit(String line) {
        exits.add(line);
    }

    @Override
    public synchronized List<String> recentExits(int limit) {
        List<String> newestFirst = new ArrayList<>(exits).reversed();
        return List.copyOf(newestFirst.subList(0, Math.min(limit, newestFirst.size())));
    }
}
