package dev.mcpd.adapter.primary.unixsocket;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The socket file this daemon bound, known by its file key (the inode) captured right after the bind, so that only
 * that file is ever removed (B-S5) and its loss is noticed (B-L6).
 *
 * @param path where the socket file is
 * @param fileKey the file key ({@link BasicFileAttributes#fileKey()}) it had at bind
 * @param ownerUid the uid owning it, which is the only uid the transport serves (B-T2)
 */
record OwnedSocketFile(Path path, Object fileKey, long ownerUid) {

    private static final Logger log = LoggerFactory.getLogger(UnixSocketTransport.class);

    OwnedSocketFile {
        requireNonNull(path, "path is null");
    }

    /**
     * Takes the socket file just bound at {@code path}: sets its mode to 0600 (B-T2), then reads its file key and
     * owner.
     *
     * @throws IOException if the mode cannot be set or the attributes cannot be read
     */
    static OwnedSocketFile claim(Path path) throws IOException {
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
        Object key = fileKey(path);
        long uid = ((Number) Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS)).longValue();
        return new OwnedSocketFile(path, key, uid);
    }

    /**
     * Why proxies cannot reach this daemon at {@link #path} any more (B-L6): the file is gone, or is another file now
     * (another inode: removed and re-created, e.g. by a second daemon started after someone deleted the state dir).
     * Empty while it is still ours, and when it cannot be told (e.g. a transient permission error): never expire on
     * a guess.
     */
    Optional<String> problem() {
        try {
            Object current = fileKey(path);
            return current != null && current.equals(fileKey) ? Optional.empty()
                    : Optional.of(path + " is no longer the socket this daemon bound (replaced by another file)");
        } catch (NoSuchFileException e) {
            return Optional.of(path + " was removed");
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Removes the file if it is still the one bound; another file there is left alone (B-S5). Never throws. */
    void removeIfStillOurs() {
        try {
            Object current = fileKey(path);
            if (current != null && current.equals(fileKey)) {
                Files.deleteIfExists(path);
            } else {
                log.warn("{} is no longer the socket this daemon created; leaving it (B-S5)", path);
            }
        } catch (IOException e) {
            log.debug("could not remove {}: {}", path, e.toString());
        }
    }

    private static Object fileKey(Path path) throws IOException {
        return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
    }
}
