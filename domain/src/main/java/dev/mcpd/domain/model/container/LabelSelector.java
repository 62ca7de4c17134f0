package dev.mcpd.domain.model.container;

import static java.util.Objects.requireNonNull;

import java.util.Map;

/**
 * One label filter of a container listing, as in {@code docker ps --filter label=KEY[=VALUE]}.
 *
 * @param key the label key, never blank
 * @param value the exact value required, or {@code null} to require only that the label is present
 */
public record LabelSelector(String key, String value) {

    public LabelSelector {
        requireNonNull(key, "key is null");
        if (key.isBlank()) {
            throw new IllegalArgumentException("a label selector needs a key");
        }
    }

    /** A selector requiring that the label {@code key} is present, whatever its value. */
    public static LabelSelector present(String key) {
        return new LabelSelector(key, null);
    }

    /** A selector requiring that label {@code key} equals {@code value}. */
    public static LabelSelector equalTo(String key, String value) {
        return new LabelSelector(key, requireNonNull(value, "value is null"));
    }

    /** Whether a container with these labels is selected. */
    public boolean matches(Map<String, String> labels) {
        String actual = labels.get(key);
        return actual != null && (value == null || value.equals(actual));
    }

    /** The Docker Engine API filter word: {@code key} or {@code key=value}. */
    public String filterValue() {
        return value == null ? key : key + "=" + value;
    }
}
