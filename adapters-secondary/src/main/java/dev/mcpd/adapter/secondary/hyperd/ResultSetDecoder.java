package dev.mcpd.adapter.secondary.hyperd;

import dev.mcpd.domain.model.hyperd.QueryResult;
import dev.mcpd.domain.model.hyperd.SqlColumn;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;

/** Turns a JDBC {@link ResultSet} into a {@link QueryResult} of JSON-shaped values. */
final class ResultSetDecoder {

    private ResultSetDecoder() {}

    /**
     * Reads at most {@code maxRows} rows; {@link QueryResult#truncated()} says whether {@code rows} held more (the
     * statement's max rows is set one higher, so one extra row tells).
     *
     * @throws SQLException when reading fails
     */
    static QueryResult read(ResultSet rows, int maxRows) throws SQLException {
        ResultSetMetaData meta = rows.getMetaData();
        int width = meta.getColumnCount();
        List<SqlColumn> columns = new ArrayList<>(width);
        for (int c = 1; c <= width; c++) {
            columns.add(new SqlColumn(meta.getColumnLabel(c), meta.getColumnTypeName(c), null));
        }
        List<List<Object>> values = new ArrayList<>();
        boolean truncated = false;
        while (rows.next()) {
            if (values.size() == maxRows) {
                truncated = true;
                break;
            }
            List<Object> row = new ArrayList<>(width);
            for (int c = 1; c <= width; c++) {
                row.add(value(rows, meta, c));
            }
            values.add(row);
        }
        return new QueryResult(columns, values, truncated);
    }

    /** A JSON-shaped value (see {@link QueryResult}). */
    private static Object value(ResultSet rows, ResultSetMetaData meta, int column) throws SQLException {
        switch (meta.getColumnType(column)) {
            case Types.SMALLINT, Types.INTEGER, Types.BIGINT, Types.TINYINT -> {
                long value = rows.getLong(column);
                return rows.wasNull() ? null : value;
            }
            case Types.REAL, Types.FLOAT, Types.DOUBLE -> {
                double value = rows.getDouble(column);
                if (rows.wasNull()) {
                    return null;
                }
                return Double.isFinite(value) ? (Object) value : Double.toString(value);
            }
            case Types.NUMERIC, Types.DECIMAL -> {
                BigDecimal value = rows.getBigDecimal(column);
                return value;
            }
            case Types.BOOLEAN, Types.BIT -> {
                boolean value = rows.getBoolean(column);
                return rows.wasNull() ? null : value;
            }
            default -> {
                return rows.getString(column);
            }
        }
    }
}
