package dev.mcpd.application.hyperd;

import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;

/** The containers engine's schema checker, reached from this package. */
final class SchemaProblems {

    private SchemaProblems() {}

    @SuppressWarnings("unchecked")
    static List<String> of(Map<String, Object> schema, Object value) throws Exception {
        Class<?> check = Class.forName("dev.mcpd.application.containers.SchemaCheck");
        Method problems = check.getDeclaredMethod("problems", Map.class, Object.class);
        problems.setAccessible(true);
        return (List<String>) problems.invoke(null, schema, value);
    }
}
