package dev.mcpd.adapter.secondary.hyperd;

import static java.util.Objects.requireNonNull;

import dev.mcpd.domain.error.HyperdException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The private directory of this process's hyperd sockets (invariant 1 of {@link HyperdSupervisor}; review findings 1
 * and 15, ADR 0013): {@code <run dir>/<our pid>}, mode 0700 inside {@code <run dir>} (0700, chmod'ed by us, so owned by
 * us, and not a symlink). Where that path is too long for {@code sun_path} or cannot be written in hyperd's
 * {@code tab.domain://<dir>/domain/<name>} form, a fresh 0700 directory under {@code java.io.tmpdir} is used instead.
 * Directories of dead pids are removed on the first start.
 */
final class SocketDirectory {

    /** The longest path {@code sun_path} holds on Linux, in bytes (108 with the terminating NUL). */
    static final int SUN_PATH_MAX = 107;

    private static final Logger log = LoggerFactory.getLogger(SocketDirectory.class);
    private static final String LONGEST_NAME = ".s.PGSQL.9999999999";
    private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));

    private final Path runDir;
    // Written only by the one start in progress (starts are serial), read by delete() after it.
    private volatile Path dir;

    /** @param runDir {@link PgWireHyperdClientConfig#runDir()} */
    SocketDirectory(Path runDir) {
        this.runDir = requireNonNull(runDir, "runDir is null");
    }

    /**
     * The directory, made on the first call.
     *
     * @throws HyperdException.Unavailable when the file system has no POSIX permissions, or neither the preferred nor
     *         a temporary directory can hold hyperd's socket
     * @throws IOException when the directory cannot be made private (a symbolic link, not ours)
     */
    Path get() throws IOException {
        Path made = dir;
        if (made != null && Files.isDirectory(made, LinkOption.NOFOLLOW_LINKS)) {
            return made;
        }
        Path preferred = runDir.toAbsolutePath().normalize().resolve(Long.toString(ProcessHandle.current().pid()));
        if (usableForHyperd(preferred)) {
            try {
                privateDirectory(runDir.toAbsolutePath().normalize());
                removeDeadProcessesDirectories(preferred.getParent());
                deleteTree(preferred); // our pid's: a leftover of a dead process that had it before us
                privateDirectory(preferred);
                dir = preferred;
                return preferred;
            } catch (UnsupportedOperationException e) {
                throw new HyperdException.Unavailable("hyperd's sockets need a private directory, and this file system "
                        + "has no POSIX permissions (" + runDir + ")", e);
            }
        }
        Path temporary;
        try {
            temporary = Files.createTempDirectory("mcpd-hyperd-", OWNER_ONLY).toAbsolutePath();
        } catch (UnsupportedOperationException e) {
            throw new HyperdException.Unavailable("hyperd's sockets need a private directory, and this file system "
                    + "has no POSIX permissions", e);
        }
        if (!usableForHyperd(temporary)) {
            deleteTree(temporary);
            throw new HyperdException.Unavailable("neither " + preferred + " nor " + temporary + " can hold hyperd's "
                    + "socket (longer than " + SUN_PATH_MAX + " bytes, or containing ',' or '/domain/'): set "
                    + "MCPD_STATE_DIR to a shorter directory", null);
        }
        log.info("{} cannot hold hyperd's socket (longer than {} bytes, or containing ',' or '/domain/'); using {} "
                + "instead (ADR 0013)", preferred, SUN_PATH_MAX, temporary);
        dir = temporary;
        return temporary;
    }

    /** Removes the directory and its sockets, if it was made; best effort. */
    void delete() {
        Path made = dir;
        if (made != null) {
            deleteTree(made);
        }
    }

    /**
     * Whether hyperd can listen in {@code dir}: its socket path fits {@code sun_path}, and the directory can be
     * written in {@code tab.domain://<dir>/domain/<name>} (hyperd splits at the first {@code /domain/}, and a
     * {@code --listen-connection} is a comma-separated list; both found by experiment with hyperd 0.7.3).
     */
    static boolean usableForHyperd(Path dir) {
        String text = dir.toString();
        return dir.resolve(LONGEST_NAME).toString().getBytes(StandardCharsets.UTF_8).length <= SUN_PATH_MAX
                && !(text + "/").contains("/domain/") && !text.contains(",");
    }

    /** Creates {@code dir} as 0700 if missing, then makes it 0700: only its owner may, so this also checks it is ours. */
    private static void privateDirectory(Path dir) throws IOException {
        if (Files.isSymbolicLink(dir)) {
            throw new IOException(dir + " is a symbolic link; hyperd's sockets need a real directory owned by this user");
        }
        Files.createDirectories(dir.getParent());
        try {
            Files.createDirectory(dir, OWNER_ONLY);
        } catch (FileAlreadyExistsException e) {
            // made earlier; the chmod below checks that it is ours
        }
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(dir + " is not a directory");
        }
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    }

    /** Removes the socket directories of processes that no longer run (a daemon that was killed leaves its own). */
    private static void removeDeadProcessesDirectories(Path runDir) {
        try (Stream<Path> entries = Files.list(runDir)) {
            for (Path entry : entries.toList()) {
                String name = entry.getFileName().toString();
                if (name.chars().allMatch(Character::isDigit) && !name.isEmpty()
                        && ProcessHandle.of(Long.parseLong(name)).isEmpty()) {
                    deleteTree(entry);
                }
            }
        } catch (IOException | NumberFormatException e) {
            log.debug("cleaning up {}: {}", runDir, e.toString());
        }
    }

    /** Deletes a socket directory and what is in it (sockets and pid files, no subdirectories); best effort. */
    private static void deleteTree(Path dir) {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path entry : entries.toList()) {
                Files.deleteIfExists(entry);
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            log.debug("removing {}: {}", dir, e.toString());
        }
    }
}
