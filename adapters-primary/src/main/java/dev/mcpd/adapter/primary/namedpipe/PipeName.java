package dev.mcpd.adapter.primary.namedpipe;

import static java.util.Objects.requireNonNull;

import dev.mcpd.domain.text.Sha256;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The daemon's pipe name, derived from its scope's state directory: {@code \\.\pipe\mcpd-<user>-<hash>}.
 *
 * <p>Invariants (tested in {@code PipeNameTest}):
 * <ol>
 *   <li>Deterministic: the daemon and every proxy of a scope compute the same name from the state dir alone, so the
 *       name need not be discovered (it is still written to {@code daemon.json}, B-S2).
 *   <li>One name per scope: {@code <hash>} is the first 16 hex digits (64 bits) of SHA-256 over the absolute,
 *       normalised state dir, lower-cased because Windows paths and pipe names are case-insensitive
 *       ({@code C:\Data\Mcpd} and {@code c:\data\mcpd\.} name one scope).
 *   <li>{@code <user>} is for people reading a pipe list: ASCII letters, digits, {@code .}, {@code _} and {@code -}
 *       kept, anything else replaced by {@code _}, lower-cased, at most 32 characters. It is not a security
 *       boundary: the state dir is per user already (B-S6), and the name is guarded by the first-instance flag (B-T2).
 *   <li>The whole name is at most 256 characters, the limit of {@code CreateNamedPipeW}, and contains no backslash
 *       after the {@code \\.\pipe\} prefix.
 * </ol>
 */
public final class PipeName {

    /** Every local pipe name starts with this ({@code CreateNamedPipeW}: "\\.\pipe\pipename"). */
    public static final String PREFIX = "\\\\.\\pipe\\";

    /** The longest pipe name {@code CreateNamedPipeW} accepts, prefix included. */
    public static final int MAX_LENGTH = 256;

    private static final int USER_MAX = 32;
    private static final int HASH_HEX_DIGITS = 16;

    private PipeName() {}

    /**
     * The pipe name of the scope whose state directory is {@code stateDir}.
     *
     * @param stateDir the scope's state dir ({@code %LOCALAPPDATA%\mcpd} by default, B-S6)
     * @param user the user's name, e.g. {@code System.getProperty("user.name")}; blank becomes {@code user}
     * @return e.g. {@code \\.\pipe\mcpd-alice-3f2a9c1d0b7e4a55}
     */
    public static String forStateDir(Path stateDir, String user) {
        requireNonNull(stateDir, "stateDir is null");
        requireNonNull(user, "user is null");
        String canonical = stateDir.toAbsolutePath().normalize().toString().toLowerCase(Locale.ROOT);
        return PREFIX + "mcpd-" + sanitize(user) + "-" + sha256Hex(canonical).substring(0, HASH_HEX_DIGITS);
    }

    /**
     * Checks a pipe name given from outside (configuration, {@code daemon.json}).
     *
     * @return {@code name}
     * @throws IllegalArgumentException if it lacks the local prefix, has nothing or a backslash after it, or is too long
     */
    public static String requireValid(String name) {
        requireNonNull(name, "name is null");
        if (!name.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            throw new IllegalArgumentException("a local pipe name starts with " + PREFIX + ": " + name);
        }
        String rest = name.substring(PREFIX.length());
        if (rest.isEmpty() || rest.indexOf('\\') >= 0) {
            throw new IllegalArgumentException("a pipe name has one non-empty part without backslashes after "
                    + PREFIX + ": " + name);
        }
        if (name.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("a pipe name is at most " + MAX_LENGTH + " characters, this one has "
                    + name.length() + ": " + name);
        }
        return name;
    }

    private static String sanitize(String user) {
        StringBuilder out = new StringBuilder();
        for (char c : user.strip().toLowerCase(Locale.ROOT).toCharArray()) {
            if (out.length() == USER_MAX) {
                break;
            }
            boolean keep = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
            out.append(keep ? c : '_');
        }
        return out.isEmpty() ? "user" : out.toString();
    }

    private static String sha256Hex(String text) {
        return Sha256.hex(text);
    }
}
