package dev.mcpd.application.containers;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Checks a JSON-shaped value against the subset of JSON Schema 2020-12 the containers engine's output schemas use
 * (type, properties, required, additionalProperties, items, enum), so that tests can hold each result's
 * {@code structuredContent} to its tool's {@code outputSchema} (B-M6).
 */
final class SchemaCheck {

    private SchemaCheck() {}

    /** The problems found, empty when {@code value} conforms. */
    static List<String> problems(Map<String, Object> schema, Object value) {
        List<String> problems = new ArrayList<>();
        check(schema, value, "$", problems);
        return problems;
    }

    @SuppressWarnings("unchecked")
    private static void check(Map<String, Object> schema, Object value, String path, List<String> problems) {
        Object type = schema.get("type");
        if (type != null) {
            List<Object> types = type instanceof List<?> list ? (List<Object>) list : List.of(type);
            if (types.stream().noneMatch(t -> hasType(value, (String) t))) {
                problems.add(path + " should be " + types + " but is " + value);
                return;
            }
        }
        if (schema.get("enum") instanceof List<?> values && !values.contains(value)) {
            problems.add(path + " should be one of " + values + " but is " + value);
        }
        if (value instanceof Map<?, ?> object) {
            Map<String, Object> properties = (Map<String, Object>) schema.getOrDefault("properties", Map.of());
            for (Object key : (List<Object>) schema.getOrDefault("required", List.of())) {
                if (!object.containsKey(key)) {
                    problems.add(path + " lacks required " + key);
                }
            }
            for (Map.Entry<?, ?> entry : object.entrySet()) {
                String key = (String) entry.getKey();
                Map<String, Object> property = (Map<String, Object>) properties.get(key);
                if (property != null) {
                    check(property, entry.getValue(), path + "." + key, problems);
                } else if (schema.get("additionalProperties") instanceof Map<?, ?> additional) {
                    check((Map<String, Object>) additional, entry.getValue(), path + "." + key, problems);
                } else if (Boolean.FALSE.equals(schema.get("additionalProperties")) || !properties.isEmpty()) {
                    problems.add(path + " has undeclared " + key);
                }
            }
        }
        if (value instanceof List<?> list && schema.get("items") instanceof Map<?, ?> items) {
            for (int i = 0; i < list.size(); i++) {
                check((Map<String, Object>) items, list.get(i), path + "[" + i + "]", problems);
            }
        }
    }

    private static boolean hasType(Object value, String type) {
        return switch (type) {
            case "object" -> value instanceof Map;
            case "array" -> value instanceof List;
            case "string" -> value instanceof String;
            case "boolean" -> value instanceof Boolean;
            case "integer" -> value instanceof Integer || value instanceof Long;
            case "number" -> value instanceof Number;
            case "null" -> value == null;
            default -> false;
        };
    }
}
