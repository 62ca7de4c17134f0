package dev.mcpd.domain.model.hyperd;

import static java.util.Objects.requireNonNull;

/**
 * One column of a query result or a table.
 *
 * @param name the column's name as the server reports it
 * @param type the server's type name, e.g. {@code int4}, {@code text}, {@code float8}, {@code date}
 * @param nullable whether the column may hold NULL; {@code null} when unknown (query results)
 */
public record SqlColumn(String name, String type, Boolean nullable) {

    public SqlColumn {
        requireNonNull(name, "name is null");
        requireNonNull(type, "type is null");
    }
}
