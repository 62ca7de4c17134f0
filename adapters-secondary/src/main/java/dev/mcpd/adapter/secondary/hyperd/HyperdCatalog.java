package dev.mcpd.adapter.secondary.hyperd;

import static java.util.Objects.requireNonNull;

import dev.mcpd.domain.error.HyperdException;
import dev.mcpd.domain.model.hyperd.SqlColumn;
import dev.mcpd.domain.model.hyperd.TableDescription;
import dev.mcpd.domain.model.hyperd.TableRef;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The tables and columns of {@code main} and of the attached databases, from each database's {@code pg_catalog}
 * (hyperd has one per database: {@code "<alias>".pg_catalog.pg_class}).
 */
final class HyperdCatalog {

    private final AttachmentSync attachments;
    private final Deadlines deadlines;

    HyperdCatalog(AttachmentSync attachments, Deadlines deadlines) {
        this.attachments = requireNonNull(attachments, "attachments is null");
        this.deadlines = requireNonNull(deadlines, "deadlines is null");
    }

    /** The tables and views of {@code main}, then of each database {@code connection} has attached, by alias. */
    List<TableRef> listTables(Connection connection, Instant deadline) throws SQLException {
        List<TableRef> tables = new ArrayList<>();
        List<String> databases = new ArrayList<>();
        databases.add(SqlNames.MAIN);
        databases.addAll(attachments.on(connection).keySet().stream().sorted().toList());
        for (String db : databases) {
            String catalog = SqlNames.quote(db) + ".pg_catalog.";
            try (PreparedStatement statement = connection.prepareStatement("SELECT n.nspname, c.relname FROM "
                    + catalog + "pg_class c JOIN " + catalog + "pg_namespace n ON c.relnamespace = n.oid "
                    + "WHERE c.relkind IN ('r', 'v') AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_temp') "
                    + "ORDER BY n.nspname, c.relname")) {
                deadlines.bound(statement, deadline);
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        tables.add(new TableRef(db, rows.getString(1), rows.getString(2)));
                    }
                }
            }
        }
        return tables;
    }

    /**
     * The columns of {@code ref}, in order; empty when there is no such table.
     *
     * @param asNamed the table as the caller named it, for the error
     * @throws HyperdException.NoSuchTable when {@code ref}'s database is neither {@code main} nor attached
     */
    Optional<TableDescription> describe(Connection connection, TableRef ref, String asNamed, Instant deadline)
            throws SQLException {
        if (!ref.database().equals(SqlNames.MAIN) && !attachments.on(connection).containsKey(ref.database())) {
            throw new HyperdException.NoSuchTable(asNamed + " (no database is attached as '" + ref.database() + "')");
        }
        String catalog = SqlNames.quote(ref.database()) + ".pg_catalog.";
        try (PreparedStatement statement = connection.prepareStatement("SELECT a.attname, format_type(a.atttypid, "
                + "a.atttypmod), a.attnotnull FROM " + catalog + "pg_attribute a JOIN " + catalog + "pg_class c ON "
                + "a.attrelid = c.oid JOIN " + catalog + "pg_namespace n ON c.relnamespace = n.oid WHERE n.nspname = ? "
                + "AND c.relname = ? AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum")) {
            deadlines.bound(statement, deadline);
            statement.setString(1, ref.schema());
            statement.setString(2, ref.name());
            List<SqlColumn> columns = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    columns.add(new SqlColumn(rows.getString(1), rows.getString(2), !rows.getBoolean(3)));
                }
            }
            return columns.isEmpty() ? Optional.empty() : Optional.of(new TableDescription(ref, columns));
        }
    }
}
