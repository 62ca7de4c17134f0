package dev.mcpd.application.daemon;

import dev.mcpd.domain.model.DaemonRecord;
import dev.mcpd.domain.port.StateDirectory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/** A {@link StateDirectory} in memory, for driving a {@link Daemon} in a test: one lock, one record, an exit history. */
final class InMemoryStateDirectory implements StateDirectory {

    private final AtomicBoolean locked = new AtomicBoolean();
    private final List<String> exits = new ArrayList<>();
    private volatile DaemonRecord record;
    /** What {@link #integrityProblem()} reports; null: intact. */
    volatile String problem;

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

    boolean isLocked() {
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
