package dev.mcpd.domain.model.hyperd;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The rows of one read-only query, at most the requested number.
 *
 * <p>Values are JSON-shaped JDK values: {@link Long} for integers, {@link Double} for floating point (non-finite ones
 * as the strings {@code NaN}, {@code Infinity}, {@code -Infinity}), {@link java.math.BigDecimal} for numerics,
 * {@link Boolean}, {@link String} for text and for every other type (dates, times, intervals, bytes) in the server's
 * text form, and {@code null} for SQL NULL.
 *
 * @param columns the result's columns, in order
 * @param rows each row's values in column order (a row list may hold {@code null})
 * @param truncated whether the query had more rows than were returned
 */
public record QueryResult(List<SqlColumn> columns, List<List<Object>> rows, boolean truncated) {

    public QueryResult {
        columns = List.copyOf(requireNonNull(columns, "columns is null"));
        List<List<Object>> copy = new ArrayList<>(requireNonNull(rows, "rows is null").size());
        for (List<Object> row : rows) {
            if (row.size() != columns.size()) {
                throw new IllegalArgumentException("a row has " + row.size() + " values for " + columns.size() + " columns");
            }
            copy.add(Collections.unmodifiableList(new ArrayList<>(row)));
        }
        rows = Collections.unmodifiableList(copy);
    }
}
