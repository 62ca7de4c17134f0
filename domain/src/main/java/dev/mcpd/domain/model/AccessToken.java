package dev.mcpd.domain.model;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.util.Objects.requireNonNull;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The secret a TCP client presents in its hello (B-T3): 256 random bits, written as 64 lowercase hex digits.
 *
 * <p>Generated once per daemon start, kept only in {@code daemon.json} (mode 0600). {@link #matches} compares in
 * constant time ({@link MessageDigest#isEqual}), so a wrong guess learns nothing from how long the refusal took.
 * {@link #toString()} never shows the secret, so a token cannot leak into a log line by accident.
 */
public final class AccessToken {

    /** Bits of entropy (B-T3). */
    public static final int BITS = 256;
    private static final int HEX_DIGITS = BITS / 4;

    private final String text;

    private AccessToken(String text) {
        this.text = text;
    }

    /** A fresh token from {@code random} (use a {@link SecureRandom}). */
    public static AccessToken generate(SecureRandom random) {
        byte[] bytes = new byte[BITS / 8];
        requireNonNull(random, "random is null").nextBytes(bytes);
        return new AccessToken(HexFormat.of().formatHex(bytes));
    }

    /**
     * Reads a token written by {@link #text()}; surrounding whitespace (a trailing newline in a file) is ignored.
     *
     * @throws IllegalArgumentException if it is not 64 hex digits, saying so without echoing the value
     */
    public static AccessToken parse(String text) {
        String t = requireNonNull(text, "text is null").strip().toLowerCase(Locale.ROOT);
        if (t.length() != HEX_DIGITS || !t.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            throw new IllegalArgumentException("a token is " + HEX_DIGITS + " hex digits (" + BITS + " bits); got "
                    + t.length() + " characters");
        }
        return new AccessToken(t);
    }

    /** The secret, as written to {@code daemon.json} and sent in a client hello. */
    public String text() {
        return text;
    }

    /** Whether {@code presented} is this token, in time independent of where they differ; null never matches. */
    public boolean matches(String presented) {
        if (presented == null) {
            return false;
        }
        return MessageDigest.isEqual(text.getBytes(US_ASCII), presented.strip().toLowerCase(Locale.ROOT)
                .getBytes(US_ASCII));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AccessToken other && matches(other.text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    @Override
    public String toString() {
        return "AccessToken[redacted]";
    }
}
