package dev.mcpd.adapter.primary.unixsocket;

import dev.mcpd.domain.text.Sha256;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the daemon's Unix socket binds (B-T2): a socket {@link File} (the configured path, or its short fallback),
 * or a name in Linux's {@link Abstract} namespace.
 *
 * <p>Invariant B-T2: a path too long for {@code sun_path} ({@value #SUN_PATH_MAX} bytes) falls back to a short path
 * beside the state dir ({@code <parent>/mcpd-<hash>.sock}; the hash is SHA-256 of the state dir's path, and a file
 * there that is not a stale socket of ours is never replaced), else on Linux to the abstract namespace under a name
 * drawn at random per start ({@code @mcpd-<hex>}: no file, so no mode; the peer uid check is the gate, and a random
 * name cannot be squatted in advance).
 */
sealed interface UnixBindTarget {

    /** The longest path {@code sun_path} holds on Linux, in bytes (108 with the terminating NUL). */
    int SUN_PATH_MAX = 107;

    /** The file-type bits of {@code st_mode}, and their value for a socket ({@code <sys/stat.h>}). */
    int S_IFMT = 0170000;
    int S_IFSOCK = 0140000;

    /** A socket file at {@code path}, whose length fits {@code sun_path}. */
    record File(Path path) implements UnixBindTarget {
        @Override
        public AFUNIXSocketAddress address() throws IOException {
            return AFUNIXSocketAddress.of(path.toFile());
        }
    }

    /** A name in Linux's abstract namespace, without the leading NUL (or {@code @}). */
    record Abstract(String name) implements UnixBindTarget {
        /** A fresh {@code mcpd-<16 hex digits>}, drawn at random. */
        static Abstract random() {
            byte[] random = new byte[8];
            new SecureRandom().nextBytes(random);
            return new Abstract("mcpd-" + HexFormat.of().formatHex(random));
        }

        @Override
        public AFUNIXSocketAddress address() throws IOException {
            return AFUNIXSocketAddress.inAbstractNamespace(name);
        }
    }

    /** The junixsocket address to bind. */
    AFUNIXSocketAddress address() throws IOException;

    /**
     * Why no target can be had for {@code socketPath} here, without touching the file system: the path and its short
     * fallback are too long, and there is no abstract namespace (not Linux). Empty when a target can be had.
     */
    static Optional<String> unavailable(Path socketPath) {
        if (!fits(socketPath) && shortFallback(socketPath) == null && !isLinux()) {
            return Optional.of("socket path " + socketPath + " is longer than sun_path allows (" + SUN_PATH_MAX
                    + " bytes), and so is the fallback beside it; set MCPD_STATE_DIR to a shorter directory");
        }
        return Optional.empty();
    }

    /**
     * Chooses where to bind for {@code socketPath} (the invariant above).
     *
     * @throws IOException if nothing fits and there is no abstract namespace, or the short fallback is taken by a
     *         file that is not a stale socket of ours and there is no abstract namespace
     */
    static UnixBindTarget choose(Path socketPath) throws IOException {
        if (fits(socketPath)) {
            return new File(socketPath);
        }
        Path fallback = shortFallback(socketPath);
        if (fallback != null) {
            // The short path lies in a directory we may share with other users (e.g. /tmp): never let the bind unlink
            // what is not a stale socket of ours (review finding 22).
            Optional<String> refused = foreignFileAt(fallback, socketPath);
            if (refused.isEmpty()) {
                return new File(fallback);
            }
            Logger log = LoggerFactory.getLogger(UnixSocketTransport.class);
            log.warn("not binding the short fallback {}: {} (B-T2)", fallback, refused.get());
            if (!isLinux()) {
                throw new IOException("socket path " + socketPath + " is longer than sun_path allows (" + SUN_PATH_MAX
                        + " bytes) and its short fallback " + fallback + " is taken: " + refused.get()
                        + "; set MCPD_STATE_DIR to a shorter directory");
            }
        }
        if (isLinux()) {
            return Abstract.random();
        }
        throw new IOException(unavailable(socketPath).orElseThrow());
    }

    /**
     * Why the file at {@code path} must not be replaced by our socket: it is not a socket, or not one of our uid (the
     * uid that owns the state dir); empty when nothing is there or it is a stale socket of ours, which the bind
     * replaces. A stale socket of ours there can only be this scope's: the name is a hash of the state dir's path,
     * and we hold the scope's lock.
     */
    private static Optional<String> foreignFileAt(Path path, Path socketPath) throws IOException {
        Map<String, Object> attributes;
        try {
            attributes = Files.readAttributes(path, "unix:mode,uid", LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        int mode = ((Number) attributes.get("mode")).intValue();
        long owner = ((Number) attributes.get("uid")).longValue();
        long ours = ((Number) Files.getAttribute(socketPath.getParent(), "unix:uid")).longValue();
        if ((mode & S_IFMT) != S_IFSOCK) {
            return Optional.of("it exists and is not a socket");
        }
        if (owner != ours) {
            return Optional.of("it is a socket of uid " + owner + ", not of uid " + ours);
        }
        return Optional.empty();
    }

    private static boolean fits(Path path) {
        return path.toString().getBytes(StandardCharsets.UTF_8).length <= SUN_PATH_MAX;
    }

    /**
     * {@code <state dir's parent>/mcpd-<hash>.sock} if that fits, else null; the hash is the first 16 hex digits of
     * the SHA-256 of the state dir's absolute path, so two scopes never share a name (review finding 22).
     */
    private static Path shortFallback(Path socketPath) {
        Path stateDir = socketPath.toAbsolutePath().getParent();
        Path parent = stateDir == null ? null : stateDir.getParent();
        if (parent == null) {
            return null;
        }
        Path candidate = parent.resolve("mcpd-" + shortHash(stateDir.toString()) + ".sock");
        return fits(candidate) ? candidate : null;
    }

    /** The first 64 bits of SHA-256 of {@code text} (UTF-8), in hex. */
    static String shortHash(String text) {
        return Sha256.hex(text).substring(0, 16);
    }

    private static boolean isLinux() {
        return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux");
    }
}
