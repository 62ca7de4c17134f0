package dev.mcpd.adapter.secondary.state;

import static java.util.Objects.requireNonNull;

import com.sun.security.auth.module.UnixSystem;
import dev.mcpd.domain.model.DaemonRecord;
import dev.mcpd.domain.model.Pid;
import dev.mcpd.domain.port.StateDirectory;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * {@link StateDirectory} on the file system: an OS file lock on {@code daemon.lock}, {@code daemon.json} written to
 * a private temp file and renamed over the old one (B-S1, B-S2, B-S6).
 *
 * <p>The pieces: {@link FileLocks} (the OS locks), {@link HeldLockFile} (the integrity check of the lock held) and
 * {@link DaemonRecordCodec} (the record's JSON).
 */
public final class FileStateDirectory implements StateDirectory {

    /** How many exit lines {@code daemon-exits.log} keeps. */
    private static final int EXITS_KEPT = 20;

    private final Path root;
    /** The {@code daemon.lock} this instance holds a lock on, if any (review finding 22). */
    private final HeldLockFile lockFile;

    public FileStateDirectory(Path root) {
        this.root = requireNonNull(root, "root is null").toAbsolutePath();
        this.lockFile = new HeldLockFile(this.root.resolve("daemon.lock"));
    }

    /**
     * The default state dir (B-S6), the same whatever environment a host gives its servers (Codex passes no
     * {@code XDG_RUNTIME_DIR}): {@code /run/user/<uid>/mcpd} when {@code /run/user/<uid>} is a directory
     * owned by this process's uid (the runtime dir systemd-logind makes for the user), else
     * {@code <home>/.mcpd/run}, where home is the account's home from the password database. That is the JVM's
     * {@code user.home}: on Linux and macOS the JDK reads it with {@code getpwuid(getuid())}, not from {@code $HOME}
     * (it falls back on {@code $HOME} only when the account has no home, or {@code /}).
     */
    public static Path defaultRoot() {
        return defaultRoot(Path.of("/run/user"), currentUid(), System.getProperty("user.home"));
    }

    /**
     * {@link #defaultRoot()} with its inputs given (a seam for tests).
     *
     * @param runUser the directory holding the users' runtime dirs ({@code /run/user})
     * @param uid this process's uid; negative when unknown (then the home is used)
     * @param accountHome the account's home directory
     */
    public static Path defaultRoot(Path runUser, long uid, String accountHome) {
        if (uid >= 0) {
            Path runtimeDir = runUser.resolve(Long.toString(uid));
            try {
                PosixFileAttributes attributes = Files.readAttributes(runtimeDir, PosixFileAttributes.class,
                        LinkOption.NOFOLLOW_LINKS);
                if (attributes.isDirectory() && uidOf(runtimeDir) == uid) {
                    return runtimeDir.resolve("mcpd");
                }
            } catch (IOException | UnsupportedOperationException e) {
                // no runtime dir (no login session, a container): the home it is
            }
        }
        return Path.of(accountHome, ".mcpd", "run");
    }

    /** This process's real uid, or -1 where there is none (Windows). */
    public static long currentUid() {
        if (System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows")) {
            return -1;
        }
        return new UnixSystem().getUid();
    }

    private static long uidOf(Path path) throws IOException {
        return ((Number) Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS)).longValue();
    }

    @Override
    public Path root() {
        return root;
    }

    @Override
    public Path socketPath() {
        return root.resolve("daemon.sock");
    }

    @Override
    public Path logPath() {
        return root.resolve("daemon.log");
    }

    private Path recordPath() {
        return root.resolve("daemon.json");
    }

    /**
     * Creates the directory (mode 0700) if needed, then refuses one that is not safe to keep a lock, a token and a
     * socket in (review finding 22): a symbolic link (a link is never followed, so it cannot redirect the daemon's
     * files elsewhere), not a directory, owned by another uid, or writable by the group or others. A safe directory
     * that others can read is made 0700.
     *
     * @throws IOException naming the directory, what is wrong and what to do
     */
    @Override
    public void prepare() throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(root);
        }
        if (!root.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return; // Windows: the user's profile is private by its ACL
        }
        PosixFileAttributes attributes = Files.readAttributes(root, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (attributes.isSymbolicLink()) {
            throw new IOException("state dir " + root + " is a symbolic link; mcpd does not follow it (a link could send "
                    + "its lock, token and socket elsewhere): set MCPD_STATE_DIR to the directory it points to");
        }
        if (!attributes.isDirectory()) {
            throw new IOException("state dir " + root + " exists and is not a directory; remove it or set MCPD_STATE_DIR "
                    + "to another path");
        }
        long uid = currentUid();
        long owner = uidOf(root);
        if (uid >= 0 && owner != uid) {
            throw new IOException("state dir " + root + " is owned by uid " + owner + ", not by this user (uid " + uid
                    + "); set MCPD_STATE_DIR to a directory you own");
        }
        Set<PosixFilePermission> mode = attributes.permissions();
        if (mode.contains(PosixFilePermission.GROUP_WRITE) || mode.contains(PosixFilePermission.OTHERS_WRITE)) {
            throw new IOException("state dir " + root + " is writable by other users (" + PosixFilePermissions.toString(mode)
                    + "), who could have replaced its files; check it, then `chmod 700 " + root + "`, or set "
                    + "MCPD_STATE_DIR to a private directory");
        }
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx------"));
    }

    @Override
    public Optional<ScopeLock> tryLock() throws IOException {
        Optional<ScopeLock> lock = FileLocks.tryLock(lockFile.path());
        if (lock.isEmpty()) {
            return lock;
        }
        lockFile.locked();
        ScopeLock held = lock.get();
        return Optional.of(() -> {
            lockFile.released();
            held.close();
        });
    }

    /** An OS file lock on {@code launch.lock}, a file no daemon touches. */
    @Override
    public Optional<ScopeLock> tryLaunchLock() throws IOException {
        prepare();
        return FileLocks.tryLock(root.resolve("launch.lock"));
    }

    /** Linux: the holder of the POSIX lock on {@code daemon.lock}, from {@code /proc/locks}. Elsewhere: empty. */
    @Override
    public Optional<Long> lockHolder() {
        return FileLocks.holder(lockFile.path());
    }

    @Override
    public Optional<DaemonRecord> readRecord() {
        return DaemonRecordCodec.read(recordPath());
    }

    @Override
    public void writeRecord(DaemonRecord record) throws IOException {
        Path temp = Files.createTempFile(root, "daemon.json.", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            DaemonRecordCodec.write(record, temp);
            Files.move(temp, recordPath(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /**
     * The lock file this instance locked is gone, or {@code daemon.lock} is another inode now: a daemon started since
     * may hold a lock on the new file, so two daemons would serve the scope (B-S1, B-L6; review finding 22). The
     * transports' endpoints are not checked here: each transport knows what it bound.
     */
    @Override
    public Optional<String> integrityProblem() {
        return lockFile.problem();
    }

    @Override
    public void recordExit(String line) {
        Path log = root.resolve("daemon-exits.log");
        try {
            List<String> lines = new ArrayList<>(Files.exists(log) ? Files.readAllLines(log) : List.of());
            lines.add(line.replace('\n', ' '));
            List<String> kept = lines.subList(Math.max(0, lines.size() - EXITS_KEPT), lines.size());
            Path temp = Files.createTempFile(root, "daemon-exits.", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.write(temp, kept);
            Files.move(temp, log, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            // the history is a convenience; the daemon log has the same line
        }
    }

    @Override
    public List<String> recentExits(int limit) {
        try {
            List<String> lines = new ArrayList<>(Files.readAllLines(root.resolve("daemon-exits.log")));
            Collections.reverse(lines);
            return List.copyOf(lines.subList(0, Math.min(limit, lines.size())));
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    @Override
    public void removeRecordAndSocket() {
        for (Path path : List.of(recordPath(), socketPath())) {
            try {
                Files.deleteIfExists(path);
            } catch (IOException e) {
                // nothing more to do; the next lock holder cleans up
            }
        }
    }

    /**
     * Renames {@code daemon.json} to a private name first (atomic), so the record checked is the record removed; one
     * that is not {@code owner}'s is put back with {@code link(2)}, which never replaces a record written meanwhile
     * (review finding 22). While it is away a proxy sees the lock held and no record, and waits (B-S3).
     */
    @Override
    public boolean removeRecordIfOwnedBy(Pid owner) {
        Path claimed = root.resolve("daemon.json." + ProcessHandle.current().pid() + "." + System.nanoTime() + ".removing");
        try {
            Files.move(recordPath(), claimed, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            return false; // no record (or it cannot be moved): nothing of ours to remove
        }
        try {
            if (DaemonRecordCodec.read(claimed).map(r -> r.pid().sameProcessAs(owner)).orElse(false)) {
                return true;
            }
            try {
                Files.createLink(recordPath(), claimed);
            } catch (FileAlreadyExistsException newer) {
                // another daemon wrote a newer record meanwhile: it wins
            } catch (IOException | UnsupportedOperationException e) {
                Files.move(claimed, recordPath(), StandardCopyOption.ATOMIC_MOVE); // no hard links here: rename back
            }
            return false;
        } catch (IOException e) {
            return false;
        } finally {
            try {
                Files.deleteIfExists(claimed);
            } catch (IOException e) {
                // a leftover *.removing file is harmless
            }
        }
    }
}
