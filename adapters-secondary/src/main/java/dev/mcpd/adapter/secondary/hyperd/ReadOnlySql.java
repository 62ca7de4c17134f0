package dev.mcpd.adapter.secondary.hyperd;

import dev.mcpd.domain.error.HyperdException;
import dev.mcpd.domain.model.hyperd.QueryResult;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code query}: one statement that reads, recognised by its first keyword, run inside {@code BEGIN READ ONLY} (so
 * hyperd enforces it too; the keyword check only gives the clearer message first).
 */
final class ReadOnlySql {

    private static final Logger log = LoggerFactory.getLogger(ReadOnlySql.class);
    private static final List<String> READ_ONLY_STARTS = List.of("select", "with", "values", "table", "show", "explain");

    private ReadOnlySql() {}

    /**
     * Refuses a statement that does not start like a read.
     *
     * @throws HyperdException.SqlError with SQLSTATE {@code 25006} (read-only SQL transaction) when {@code sql} starts
     *         with anything but {@code SELECT}, {@code WITH}, {@code VALUES}, {@code TABLE}, {@code SHOW} or
     *         {@code EXPLAIN}
     */
    static void require(String sql) {
        String first = firstKeyword(sql);
        if (!READ_ONLY_STARTS.contains(first)) {
            throw new HyperdException.SqlError("25006", "query runs one read-only statement (SELECT, WITH, VALUES, TABLE, "
                    + "SHOW, EXPLAIN); this one starts with '" + first + "': use execute for DDL and DML", null);
        }
    }

    /** Sets a statement's timeout ({@link Deadlines#bound}). */
    @FunctionalInterface
    interface Bound {
        void apply(Statement statement) throws SQLException;
    }

    /**
     * Runs {@code sql} inside {@code BEGIN READ ONLY}, always rolled back, and reads at most {@code maxRows} rows.
     *
     * @throws SQLException when hyperd refuses the statement (25006 for a write) or the deadline passes
     */
    static QueryResult query(Connection connection, String sql, int maxRows, Bound bound) throws SQLException {
        connection.setAutoCommit(false);
        connection.setReadOnly(true);
        try (Statement statement = connection.createStatement()) {
            bound.apply(statement);
            statement.setMaxRows(maxRows + 1);
            try (ResultSet rows = statement.executeQuery(sql)) {
                return ResultSetDecoder.read(rows, maxRows);
            }
        } finally {
            rollbackQuietly(connection);
        }
    }

    /** Ends a read-only transaction; on a broken connection the original error is what matters. */
    private static void rollbackQuietly(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            log.debug("rollback after a read-only query: {}", e.getMessage());
        }
    }

    /** The first word of {@code sql}, lower case, after whitespace, comments and opening parentheses. */
    static String firstKeyword(String sql) {
        int i = 0;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            if (Character.isWhitespace(c) || c == '(') {
                i++;
            } else if (sql.startsWith("--", i)) {
                int end = sql.indexOf('\n', i);
                i = end < 0 ? n : end + 1;
            } else if (sql.startsWith("/*", i)) {
                int end = sql.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
            } else {
                break;
            }
        }
        int start = i;
        while (i < n && Character.isLetter(sql.charAt(i))) {
            i++;
        }
        return sql.substring(start, i).toLowerCase(Locale.ROOT);
    }
}
