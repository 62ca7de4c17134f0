package dev.mcpd.adapter.secondary.state;

import dev.mcpd.domain.port.StateDirectory.ScopeLock;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * OS file locks on the state dir's lock files ({@code daemon.lock}, {@code launch.lock}), taken without waiting and
 * at most once per JVM (B-S1), and, on Linux, who holds one (B-S3).
 */
final class FileLocks {

    /** Lock files this JVM holds. */
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

    private FileLocks() {
    }

    /**
     * Takes an exclusive OS lock on {@code lockPath} (created if missing) without waiting.
     *
     * @return the lock, released by its {@code close()}; empty when another process, or this JVM, holds it
     * @throws IOException if the file cannot be opened or locked
     */
    static Optional<ScopeLock> tryLock(Path lockPath) throws IOException {
        // A JVM holds an OS file lock once: a second channel on the same file in this JVM cannot take it, and
        // closing that second channel would release the first one's lock (POSIX locks are per process). So a
        // lock this JVM already holds is answered here, without opening the file again (B-S1).
        if (!HELD.add(lockPath)) {
            return Optional.empty();
        }
        FileChannel channel;
        FileLock lock;
        try {
            channel = FileChannel.open(lockPath, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            try {
                lock = channel.tryLock();
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
        } catch (IOException | RuntimeException e) {
            HELD.remove(lockPath);
            throw e;
        }
        if (lock == null) {
            channel.close();
            HELD.remove(lockPath);
            return Optional.empty();
        }
        FileLock held = lock;
        return Optional.of(() -> {
            try {
                held.release();
                channel.close();
            } catch (IOException e) {
                // the OS releases the lock when the channel or the process goes
            } finally {
                HELD.remove(lockPath);
            }
        });
    }

    /**
     * Linux: the pid holding the POSIX lock on {@code lockPath}'s inode, from {@code /proc/locks} (fields: ordinal,
     * class, mode, access, pid, {@code major:minor:inode}, range). Blocked waiters ({@code ->}) are skipped.
     * Elsewhere, when the file is missing or unlocked, or when {@code /proc/locks} cannot be read: empty.
     */
    static Optional<Long> holder(Path lockPath) {
        Path procLocks = Path.of("/proc/locks");
        try {
            if (!Files.exists(procLocks) || !Files.exists(lockPath)) {
                return Optional.empty();
            }
            String inode = ":" + Files.getAttribute(lockPath, "unix:ino");
            for (String line : Files.readAllLines(procLocks)) {
                String[] f = line.trim().split("\\s+");
                if (f.length >= 6 && !"->".equals(f[1]) && "POSIX".equals(f[1]) && f[5].endsWith(inode)) {
                    return Optional.of(Long.parseLong(f[4]));
                }
            }
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
