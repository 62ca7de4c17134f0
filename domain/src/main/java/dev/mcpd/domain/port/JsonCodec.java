package dev.mcpd.domain.port;

import dev.mcpd.domain.error.MalformedMessageException;

/**
 * Converts between UTF-8 JSON text and JSON-shaped Java values: {@code Map<String,Object>} (insertion-ordered),
 * {@code List<Object>}, {@code String}, {@code Number} ({@code Integer}, {@code Long}, {@code BigInteger},
 * {@code Double} or {@code BigDecimal}), {@code Boolean} and {@code null}.
 *
 * <p>Invariants: parsing never throws anything but {@link MalformedMessageException}, whatever the bytes (B-X1);
 * nesting deeper than a fixed bound is malformed; written JSON contains no raw newline (B-W1).
 */
public interface JsonCodec {

    /**
     * Parses one JSON text.
     *
     * @param utf8 the bytes
     * @param offset start of the text in {@code utf8}
     * @param length length of the text in bytes
     * @return the value
     * @throws MalformedMessageException if the bytes are not one complete, valid JSON text in UTF-8
     */
    Object parse(byte[] utf8, int offset, int length);

    /**
     * Writes a value as compact JSON, without a trailing newline.
     *
     * @throws IllegalArgumentException if the value holds a type outside the JSON-shaped set
     */
    byte[] write(Object value);
}
