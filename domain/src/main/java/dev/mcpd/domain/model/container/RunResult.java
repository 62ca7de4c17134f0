package dev.mcpd.domain.model.container;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A container that was created and started.
 *
 * @param id its full id
 * @param warnings the runtime's warnings from creating it, in order (often empty)
 */
public record RunResult(String id, List<String> warnings) {

    public RunResult {
        requireNonNull(id, "id is null");
        warnings = List.copyOf(requireNonNull(warnings, "warnings is null"));
    }
}
