package dev.mcpd.adapter.secondary.state;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;

/**
 * The identity (file key: device and inode on Unix) of the {@code daemon.lock} a daemon holds a lock on, kept so that
 * the daemon notices the file removed or replaced: a daemon started since may hold a lock on the new file, so two
 * daemons would serve the scope (B-S1, B-L6; review finding 22).
 */
final class HeldLockFile {

    private final Path lockPath;
    /** The file key of the lock file while a lock on it is held, or null. */
    private volatile Object heldKey;

    HeldLockFile(Path lockPath) {
        this.lockPath = lockPath;
    }

    Path path() {
        return lockPath;
    }

    /**
     * Remembers the lock file's identity, just after its lock was taken.
     *
     * @throws IOException if its attributes cannot be read
     */
    void locked() throws IOException {
        heldKey = Files.readAttributes(lockPath, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
    }

    /** Forgets it, as the lock is released. */
    void released() {
        heldKey = null;
    }

    /** Why the held lock file is no longer the one locked; empty when intact, when none is held or cannot tell. */
    Optional<String> problem() {
        Object held = heldKey;
        if (held == null) {
            return Optional.empty();
        }
        try {
            Object current = Files.readAttributes(lockPath, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
            return held.equals(current) ? Optional.empty()
                    : Optional.of(lockPath + " was replaced by another file, which another daemon may hold a lock on");
        } catch (NoSuchFileException e) {
            return Optional.of(lockPath + " was removed");
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // cannot tell: never expire on a guess
        }
    }
}
