package dev.mcpd.domain.model.hyperd;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;

/**
 * What {@code load_csv} loads, and where.
 *
 * @param file the CSV file; hyperd reads it itself (server-side {@code COPY}), so it must be readable by hyperd
 * @param table the target table as written in SQL ({@code t}, {@code schema.t} or {@code db.schema.t}); created when
 *        it does not exist and {@code header} is true, with types guessed from the first rows
 * @param header whether the first line holds column names
 * @param delimiter the field delimiter, one character
 */
public record CsvLoad(Path file, String table, boolean header, char delimiter) {

    public CsvLoad {
        requireNonNull(file, "file is null");
        requireNonNull(table, "table is null");
    }
}
