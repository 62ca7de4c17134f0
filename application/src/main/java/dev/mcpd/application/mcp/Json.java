package dev.mcpd.application.mcp;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Typed access to JSON-shaped Java values (see {@code JsonCodec}), and builders for insertion-ordered objects,
 * so that output is deterministic (house rule 16).
 */
public final class Json {

    private Json() {}

    /** An insertion-ordered object from alternating keys and values; {@code null} values are omitted. */
    public static Map<String, Object> object(Object... keysAndValues) {
        if (keysAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("keys and values must alternate");
        }
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            if (keysAndValues[i + 1] != null) {
                map.put((String) keysAndValues[i], keysAndValues[i + 1]);
            }
        }
        return map;
    }

    /** {@code value} as an object, or {@code null} if it is not one. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> asObject(Object value) {
        return value instanceof Map<?, ?> map ? (Map<String, Object>) map : null;
    }

    /** {@code value} as an array, or {@code null} if it is not one. */
    @SuppressWarnings("unchecked")
    public static List<Object> asArray(Object value) {
        return value instanceof List<?> list ? (List<Object>) list : null;
    }

    /** {@code value} as a string, or {@code null} if it is not one. */
    public static String asString(Object value) {
        return value instanceof String s ? s : null;
    }
}
