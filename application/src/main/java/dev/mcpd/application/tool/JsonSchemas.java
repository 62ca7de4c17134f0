package dev.mcpd.application.tool;

import dev.mcpd.application.mcp.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Builders of JSON-shaped values and JSON Schema 2020-12 fragments, insertion-ordered (house rule 16). */
public final class JsonSchemas {

    public static final String DIALECT = "https://json-schema.org/draft/2020-12/schema";

    private JsonSchemas() {}

    /** An insertion-ordered object from alternating keys and values; {@code null} values are omitted. */
    public static Map<String, Object> object(Object... keysAndValues) {
        return Json.object(keysAndValues);
    }

    /** A root object schema that accepts only {@code properties}. */
    public static Map<String, Object> inputSchema(Map<String, Object> properties, List<String> required) {
        return object("$schema", DIALECT, "type", "object", "properties", properties,
                "required", required.isEmpty() ? null : required, "additionalProperties", false);
    }

    /** A root object schema for {@code structuredContent}. */
    public static Map<String, Object> outputSchema(Map<String, Object> properties, List<String> required) {
        return object("$schema", DIALECT, "type", "object", "properties", properties, "required", required);
    }

    /**
     * The output schema of a listing tool: {@code key}, an array of {@code item} in {@code order}, and {@code count},
     * "How many {@code what} are listed."; both required.
     */
    public static Map<String, Object> listOutput(String key, Map<String, Object> item, String order, String what) {
        return outputSchema(object(key, arrayOf(item, order), "count", integer("How many " + what + " are listed.")),
                List.of(key, "count"));
    }

    /** An object schema from alternating property names and schemas, every property required. */
    public static Map<String, Object> allRequired(Object... namesAndSchemas) {
        List<String> required = new ArrayList<>();
        for (int i = 0; i < namesAndSchemas.length; i += 2) {
            required.add((String) namesAndSchemas[i]);
        }
        return objectOf(object(namesAndSchemas), required);
    }

    /** The input schema of a tool that takes no arguments. */
    public static Map<String, Object> noArguments() {
        return inputSchema(object(), List.of());
    }

    public static Map<String, Object> objectOf(Map<String, Object> properties, List<String> required) {
        return object("type", "object", "properties", properties, "required", required);
    }

    public static Map<String, Object> string(String description) {
        return object("type", "string", "description", description);
    }

    public static Map<String, Object> nonEmptyString(String description) {
        return object("type", "string", "minLength", 1, "description", description);
    }

    public static Map<String, Object> dateTime(String description) {
        return object("type", "string", "format", "date-time", "description", description);
    }

    public static Map<String, Object> enumeration(String description, String... values) {
        return object("type", "string", "enum", List.of(values), "description", description);
    }

    public static Map<String, Object> bool(String description, boolean defaultValue) {
        return object("type", "boolean", "default", defaultValue, "description", description);
    }

    public static Map<String, Object> bool(String description) {
        return object("type", "boolean", "description", description);
    }

    public static Map<String, Object> integer(String description, long minimum, long maximum, long defaultValue) {
        return object("type", "integer", "minimum", minimum, "maximum", maximum, "default", defaultValue,
                "description", description);
    }

    public static Map<String, Object> integer(String description) {
        return object("type", "integer", "description", description);
    }

    public static Map<String, Object> strings(String description) {
        return object("type", "array", "items", object("type", "string"), "description", description);
    }

    public static Map<String, Object> stringMap(String description) {
        return object("type", "object", "additionalProperties", object("type", "string"), "description", description);
    }

    public static Map<String, Object> arrayOf(Map<String, Object> items, String description) {
        return object("type", "array", "items", items, "description", description);
    }
}
