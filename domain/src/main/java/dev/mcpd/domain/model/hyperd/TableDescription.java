package dev.mcpd.domain.model.hyperd;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A table's columns.
 *
 * @param table the table, fully qualified
 * @param columns its columns in ordinal order, with nullability
 */
public record TableDescription(TableRef table, List<SqlColumn> columns) {

    public TableDescription {
        requireNonNull(table, "table is null");
        columns = List.copyOf(requireNonNull(columns, "columns is null"));
    }
}
