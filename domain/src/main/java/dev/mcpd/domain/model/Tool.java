package dev.mcpd.domain.model;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * An MCP tool as listed by {@code tools/list} (B-M5).
 *
 * <p>Schemas are JSON-shaped Java values (maps with string keys, lists, strings, numbers, booleans), so that
 * the domain needs no JSON library; they follow JSON Schema 2020-12 and their root is {@code "type":"object"}.
 *
 * @param name unique within the daemon, matching {@code [A-Za-z0-9_.-]{1,128}} (spec 2025-11-25 tool names)
 * @param title a short human-readable title, or {@code null}
 * @param description what the tool does and when to use it, never blank
 * @param inputSchema JSON Schema of the {@code arguments} object
 * @param outputSchema JSON Schema of {@code structuredContent}, or {@code null} if the tool returns text only
 * @param annotations behaviour hints
 */
public record Tool(
        String name,
        String title,
        String description,
        Map<String, Object> inputSchema,
        Map<String, Object> outputSchema,
        ToolAnnotations annotations) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,128}");

    public Tool {
        requireNonNull(name, "name is null");
        requireNonNull(description, "description is null");
        requireNonNull(inputSchema, "inputSchema is null");
        requireNonNull(annotations, "annotations is null");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("tool name must match [A-Za-z0-9_.-]{1,128}: " + name);
        }
        if (description.isBlank()) {
            throw new IllegalArgumentException("tool " + name + " needs a description");
        }
        if (!"object".equals(inputSchema.get("type"))) {
            throw new IllegalArgumentException("tool " + name + ": inputSchema must have \"type\":\"object\"");
        }
    }

    /** Whether {@code candidate} is a valid tool name. */
    public static boolean isValidName(String candidate) {
        return candidate != null && NAME.matcher(candidate).matches();
    }
}
