package dev.mcpd.domain.model;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;

/**
 * The result of a {@code tools/call} (B-M6): text blocks, optional structured content, and whether it failed.
 *
 * <p>A failure of the tool itself (backend down, container not found, SQL error, bad argument value) is a result
 * with {@code isError} true and a text a person can act on, never a JSON-RPC error.
 *
 * @param texts text content blocks, in order; at least one
 * @param structuredContent a JSON object matching the tool's {@code outputSchema}, or {@code null}
 * @param isError whether the tool failed
 */
public record ToolResult(List<String> texts, Map<String, Object> structuredContent, boolean isError) {

    public ToolResult {
        requireNonNull(texts, "texts is null");
        if (texts.isEmpty()) {
            throw new IllegalArgumentException("a tool result needs at least one text block");
        }
        texts = List.copyOf(texts);
    }

    /** A successful result with one text block. */
    public static ToolResult text(String text) {
        return new ToolResult(List.of(text), null, false);
    }

    /** A successful result with structured content and its readable rendering. */
    public static ToolResult structured(Map<String, Object> structuredContent, String text) {
        requireNonNull(structuredContent, "structuredContent is null");
        return new ToolResult(List.of(text), structuredContent, false);
    }

    /** A failed result whose text says what went wrong and what to do. */
    public static ToolResult error(String message) {
        return new ToolResult(List.of(message), null, true);
    }
}
