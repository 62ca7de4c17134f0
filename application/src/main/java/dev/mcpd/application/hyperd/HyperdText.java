package dev.mcpd.application.hyperd;

import dev.mcpd.application.tool.TextTable;
import dev.mcpd.domain.model.hyperd.HyperdStatus;
import dev.mcpd.domain.model.hyperd.QueryResult;
import dev.mcpd.domain.model.hyperd.SqlColumn;
import dev.mcpd.domain.model.hyperd.TableDescription;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Readable renderings of the hyperd engine's results, shaped like {@code psql}'s. */
final class HyperdText {

    private static final int MAX_CELL = 60;

    private HyperdText() {}

    /**
     * A {@code psql}-style table of {@code result}, at most {@code maxChars} characters (rows that do not fit are
     * left out), followed by a row count and, when the result was cut, a note saying so.
     */
    static String table(QueryResult result, int maxChars) {
        List<List<String>> cells = new ArrayList<>();
        List<String> header = new ArrayList<>();
        for (SqlColumn column : result.columns()) {
            header.add(column.name());
        }
        cells.add(header);
        for (List<Object> row : result.rows()) {
            List<String> line = new ArrayList<>(row.size());
            for (Object value : row) {
                line.add(cell(value));
            }
            cells.add(line);
        }
        List<String> lines = TextTable.PSQL.lines(cells);
        if (cells.size() == 1) {
            Collections.swap(lines, 0, 1); // an empty result shows the rule above the header, as it always has
        }
        // The header and the rule are always shown; rows while they fit in maxChars.
        StringBuilder text = new StringBuilder().append(lines.get(0)).append('\n').append(lines.get(1)).append('\n');
        int shown = 0;
        for (String line : lines.subList(2, lines.size())) {
            if (text.length() + line.length() + 1 > maxChars) {
                break;
            }
            text.append(line).append('\n');
            shown++;
        }
        int rows = result.rows().size();
        text.append('(').append(rows).append(rows == 1 ? " row)" : " rows)");
        if (shown < rows) {
            text.append("\nnote: the text shows the first ").append(shown).append(" rows; structuredContent has all ")
                    .append(rows);
        }
        if (result.truncated()) {
            text.append("\nnote: truncated at ").append(rows).append(" rows; the query has more (raise max_rows, or "
                    + "add a LIMIT or a WHERE clause)");
        }
        return text.toString();
    }

    /** A table's columns, one per line: name, type, NOT NULL when it applies. */
    static String description(TableDescription description) {
        StringBuilder text = new StringBuilder("table ").append(description.table().qualifiedName()).append('\n');
        for (SqlColumn column : description.columns()) {
            text.append("  ").append(column.name()).append(' ').append(column.type());
            if (Boolean.FALSE.equals(column.nullable())) {
                text.append(" NOT NULL");
            }
            text.append('\n');
        }
        return text.toString().stripTrailing();
    }

    /** The status, one fact per line. */
    static String status(HyperdStatus status) {
        StringBuilder text = new StringBuilder("hyperd ").append(status.state().wireName()).append('\n');
        if (status.pid() != null) {
            text.append("  pid ").append(status.pid()).append(", endpoint ").append(status.endpoint())
                    .append(", up ").append(status.uptime().toSeconds()).append(" s\n");
        }
        text.append("  restarts ").append(status.restarts()).append('\n');
        text.append("  connections ").append(status.busyConnections()).append(" busy, ").append(status.idleConnections())
                .append(" idle, ").append(status.maxConnections()).append(" at most\n");
        if (status.binary() != null) {
            text.append("  binary ").append(status.binary()).append('\n');
        }
        text.append("  database main = ").append(status.database()).append('\n');
        status.attachments().forEach(a -> text.append("  database ").append(a.alias()).append(" = ").append(a.path())
                .append('\n'));
        if (!status.lastError().isEmpty()) {
            text.append("  last error: ").append(status.lastError()).append('\n');
        }
        return text.toString().stripTrailing();
    }

    private static String cell(Object value) {
        String text = value == null ? "NULL" : value.toString().replace('\n', ' ');
        return text.length() > MAX_CELL ? text.substring(0, MAX_CELL - 1) + "…" : text;
    }

}
