package dev.mcpd.adapter.secondary.hyperd;

import static java.util.Objects.requireNonNull;

import dev.mcpd.domain.error.HyperdException;
import dev.mcpd.domain.model.hyperd.CsvLoad;
import dev.mcpd.domain.model.hyperd.CsvLoadResult;
import dev.mcpd.domain.model.hyperd.TableDescription;
import dev.mcpd.domain.model.hyperd.TableRef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;

/**
 * {@code load_csv}: creates the table when it is missing (column types from {@link CsvColumnGuess}), then loads the
 * file with hyperd's server-side {@code COPY ... FROM '<file>'}; a table it created is dropped again when the
 * {@code COPY} fails, so a failed load leaves nothing behind.
 *
 * @param catalog whether the table exists, and its columns after the load
 * @param deadlines each statement's timeout
 */
record CsvTableLoader(HyperdCatalog catalog, Deadlines deadlines) {

    CsvTableLoader {
        requireNonNull(catalog, "catalog is null");
        requireNonNull(deadlines, "deadlines is null");
    }

    /**
     * {@code file}, absolute and normalised.
     *
     * @throws HyperdException.SqlError {@code 58P01} (undefined file) when it is no readable regular file
     */
    static Path readable(Path file) {
        Path absolute = file.toAbsolutePath().normalize();
        if (!Files.isRegularFile(absolute) || !Files.isReadable(absolute)) {
            throw new HyperdException.SqlError("58P01", "no readable file at " + absolute, null);
        }
        return absolute;
    }

    /**
     * Loads {@code file} into {@code ref}.
     *
     * @throws HyperdException.NoSuchTable when the table is missing and the file has no header to create it from
     * @throws IOException when the file cannot be read to guess the column types
     * @throws IllegalArgumentException when the file is empty
     * @throws SQLException when hyperd refuses the table or the data
     */
    CsvLoadResult load(Connection connection, CsvLoad load, TableRef ref, Path file, Instant deadline)
            throws SQLException, IOException {
        boolean created = false;
        if (catalog.describe(connection, ref, load.table(), deadline).isEmpty()) {
            if (!load.header()) {
                throw new HyperdException.NoSuchTable(load.table() + " (without a header line load_csv cannot "
                        + "create it: create the table with execute, or load with header: true)");
            }
            List<CsvColumnGuess.Column> columns = CsvColumnGuess.guess(file, load.delimiter());
            StringBuilder ddl = new StringBuilder("CREATE TABLE ").append(SqlNames.qualified(ref)).append(" (");
            for (int i = 0; i < columns.size(); i++) {
                ddl.append(i == 0 ? "" : ", ").append(SqlNames.quote(columns.get(i).name())).append(' ')
                        .append(columns.get(i).type());
            }
            try (Statement statement = connection.createStatement()) {
                deadlines.bound(statement, deadline);
                statement.execute(ddl.append(')').toString());
            }
            created = true;
        }
        long rows;
        try (Statement statement = connection.createStatement()) {
            deadlines.bound(statement, deadline);
            rows = statement.executeLargeUpdate("COPY " + SqlNames.qualified(ref) + " FROM "
                    + SqlNames.literal(file.toString()) + " WITH (FORMAT csv, HEADER " + load.header()
                    + ", DELIMITER " + SqlNames.literal(String.valueOf(load.delimiter())) + ")");
        } catch (SQLException e) {
            if (created) {
                drop(connection, ref, e);
            }
            throw e;
        }
        TableDescription description = catalog.describe(connection, ref, load.table(), deadline).orElseThrow();
        return new CsvLoadResult(ref, rows, created, description);
    }

    /** Drops the table a failed load created; should that fail too, the load's error {@code failed} says so. */
    private static void drop(Connection connection, TableRef ref, SQLException failed) {
        try (Statement statement = connection.createStatement()) {
            statement.execute("DROP TABLE IF EXISTS " + SqlNames.qualified(ref));
        } catch (SQLException e) {
            failed.addSuppressed(e);
        }
    }
}
