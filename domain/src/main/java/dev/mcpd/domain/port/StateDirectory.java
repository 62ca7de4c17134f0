package dev.mcpd.domain.port;

import dev.mcpd.domain.model.DaemonRecord;
import dev.mcpd.domain.model.Pid;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The per-user, per-scope state directory (B-S6): {@code daemon.lock}, {@code daemon.json}, {@code daemon.sock},
 * {@code daemon.log}.
 *
 * <p>Invariants (B-S1, B-S2, B-S5):
 * <ol>
 *   <li>The directory exists with mode 0700 once {@link #prepare()} returned.
 *   <li>At most one {@link ScopeLock} is held per directory across all processes of the machine.
 *   <li>{@link #writeRecord} is atomic (temp file, then rename) and leaves the file with mode 0600.
 *   <li>Only the lock holder writes or removes the record and the socket; readers never delete anything.
 * </ol>
 */
public interface StateDirectory {

    /** The exclusive lock on {@code daemon.lock}; closing releases it. */
    interface ScopeLock extends AutoCloseable {
        @Override
        void close();
    }

    /** The directory itself. */
    Path root();

    /** Where the daemon's Unix socket lives. */
    Path socketPath();

    /** Where the daemon's log lives. */
    Path logPath();

    /**
     * Creates the directory (mode 0700) if needed.
     *
     * @throws IOException if it cannot be created or made private
     */
    void prepare() throws IOException;

    /**
     * Takes the scope lock without waiting.
     *
     * @return the lock, or empty when another process holds it
     * @throws IOException if the lock file cannot be opened
     */
    Optional<ScopeLock> tryLock() throws IOException;

    /**
     * Who holds the scope lock, found without taking it (taking it, even briefly, could make a starting daemon
     * lose it and exit). A proxy that sees the lock held but no record waits for that daemon instead of launching
     * a second one (B-S3).
     *
     * @return the pid of the process holding {@code daemon.lock}; empty when nobody holds it, or when this platform
     *         cannot tell without taking the lock (callers then fall back on the lock deciding between launches)
     */
    default Optional<Long> lockHolder() {
        return Optional.empty();
    }

    /**
     * Takes, without waiting, the proxies' launch lock: a lock distinct from the scope lock, which proxies hold
     * while one of them launches a daemon and waits for it, so that proxies starting together launch one daemon
     * rather than one each (B-S4). It never keeps a daemon from taking the scope lock.
     *
     * @return the lock, or empty when another proxy holds it
     * @throws IOException if the lock file cannot be opened
     */
    default Optional<ScopeLock> tryLaunchLock() throws IOException {
        return Optional.of(() -> {});
    }

    /** Reads {@code daemon.json}; empty when it is missing or unreadable (a torn or foreign file is treated as missing). */
    Optional<DaemonRecord> readRecord();

    /**
     * Writes {@code daemon.json} atomically, mode 0600. Only the lock holder may call this.
     *
     * @throws IOException if the write or the rename fails
     */
    void writeRecord(DaemonRecord record) throws IOException;

    /** Removes {@code daemon.json} and the socket file. Only the lock holder may call this. Never throws. */
    void removeRecordAndSocket();

    /**
     * Removes {@code daemon.json} only if it is still the record of {@code owner} (same pid and process start), as
     * one step: a record another daemon wrote since (after an "endpoint lost", B-L6) is left in place (B-S2, B-S5;
     * review finding 22). The file implementation leaves sockets alone (each transport removes the file it bound);
     * this default, for in-memory fakes, checks then calls {@link #removeRecordAndSocket()}. Never throws.
     *
     * @return whether a record of {@code owner} was removed
     */
    default boolean removeRecordIfOwnedBy(Pid owner) {
        if (readRecord().map(r -> r.pid().sameProcessAs(owner)).orElse(false)) {
            removeRecordAndSocket();
            return true;
        }
        return false;
    }

    /**
     * For the lock holder: why its files are no longer what it made (the lock file was removed or replaced by
     * another inode, so another daemon may hold a lock on the new one), or empty when they are intact. The
     * transports' endpoints are checked by each transport ({@link Transport#endpointProblem()}). Never throws.
     */
    Optional<String> integrityProblem();

    /**
     * Appends why a daemon of this scope exited to the scope's exit history ({@code daemon-exits.log}). Never throws.
     *
     * @param line one line: when, which pid, why
     */
    void recordExit(String line);

    /** The most recent exit lines, newest first, at most {@code limit}. Never throws. */
    List<String> recentExits(int limit);
}
