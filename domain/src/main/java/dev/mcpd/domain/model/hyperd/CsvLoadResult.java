package dev.mcpd.domain.model.hyperd;

import static java.util.Objects.requireNonNull;

/**
 * What {@code load_csv} did.
 *
 * @param table the table loaded, fully qualified
 * @param rows how many rows were loaded
 * @param created whether the table was created for this load
 * @param description the table's columns after the load
 */
public record CsvLoadResult(TableRef table, long rows, boolean created, TableDescription description) {

    public CsvLoadResult {
        requireNonNull(table, "table is null");
        requireNonNull(description, "description is null");
    }
}
