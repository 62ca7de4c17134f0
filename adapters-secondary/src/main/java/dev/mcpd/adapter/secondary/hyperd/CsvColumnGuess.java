package dev.mcpd.adapter.secondary.hyperd;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Guesses SQL column types for a new table from a CSV file's header and first rows, so that {@code load_csv} can
 * create the table it loads into: {@code BIGINT}, {@code DOUBLE PRECISION}, {@code BOOLEAN}, {@code DATE},
 * {@code TIMESTAMP}, else {@code TEXT}. Empty fields (NULL to {@code COPY}) fit every type.
 */
final class CsvColumnGuess {

    /** How many data rows are looked at. */
    static final int SAMPLE_ROWS = 1000;

    private static final Pattern INTEGER = Pattern.compile("[+-]?\\d{1,18}");
    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
    private static final Pattern BOOL = Pattern.compile("(?i)true|false");
    private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
    private static final Pattern TIMESTAMP = Pattern.compile("\\d{4}-\\d{2}-\\d{2}[ T]\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,6})?)?");

    /** A column to create. */
    record Column(String name, String type) {}

    private CsvColumnGuess() {}

    /**
     * Reads the header and up to {@link #SAMPLE_ROWS} rows of {@code file}.
     *
     * @throws IOException when the file cannot be read
     * @throws IllegalArgumentException when the file has no header line
     */
    static List<Column> guess(Path file, char delimiter) throws IOException {
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            List<String> header = record(reader, delimiter);
            if (header == null || header.isEmpty()) {
                throw new IllegalArgumentException(file + " is empty: it needs a header line to create a table from");
            }
            int width = header.size();
            int[] seen = new int[width];
            for (int row = 0; row < SAMPLE_ROWS; row++) {
                List<String> fields = record(reader, delimiter);
                if (fields == null) {
                    break;
                }
                for (int c = 0; c < width && c < fields.size(); c++) {
                    seen[c] |= kind(fields.get(c));
                }
            }
            List<Column> columns = new ArrayList<>(width);
            for (int c = 0; c < width; c++) {
                String name = header.get(c).strip();
                columns.add(new Column(name.isEmpty() ? "column_" + (c + 1) : name, type(seen[c])));
            }
            return columns;
        }
    }

    private static final int INT = 1;
    private static final int DEC = 2;
    private static final int BOOLEAN = 4;
    private static final int DAY = 8;
    private static final int STAMP = 16;
    private static final int OTHER = 32;

    /** The kind of one field, as a bit; 0 for an empty field (NULL fits every type). */
    private static int kind(String value) {
        if (value.isEmpty()) {
            return 0;
        }
        if (INTEGER.matcher(value).matches()) {
            return INT;
        }
        if (DECIMAL.matcher(value).matches()) {
            return DEC;
        }
        if (BOOL.matcher(value).matches()) {
            return BOOLEAN;
        }
        if (DATE.matcher(value).matches()) {
            return DAY;
        }
        return TIMESTAMP.matcher(value).matches() ? STAMP : OTHER;
    }

    /** The narrowest type holding every kind seen; a mix of unrelated kinds is TEXT, never a wrong type. */
    private static String type(int seen) {
        if (seen == INT) {
            return "BIGINT";
        }
        if (seen != 0 && (seen & ~(INT | DEC)) == 0) {
            return "DOUBLE PRECISION";
        }
        if (seen == BOOLEAN) {
            return "BOOLEAN";
        }
        if (seen == DAY) {
            return "DATE";
        }
        if (seen != 0 && (seen & ~(DAY | STAMP)) == 0) {
            return "TIMESTAMP";
        }
        return "TEXT";
    }

    /** One CSV record (RFC 4180 quoting, a quoted field may span lines), or {@code null} at end of input. */
    static List<String> record(BufferedReader reader, char delimiter) throws IOException {
        String line = reader.readLine();
        if (line == null) {
            return null;
        }
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        int i = 0;
        while (true) {
            if (i >= line.length()) {
                if (quoted) {
                    String next = reader.readLine();
                    if (next == null) {
                        break;
                    }
                    field.append('\n');
                    line = next;
                    i = 0;
                    continue;
                }
                break;
            }
            char c = line.charAt(i++);
            if (quoted) {
                if (c == '"' && i < line.length() && line.charAt(i) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == delimiter) {
                fields.add(field.toString());
                field.setLength(0);
            } else {
                field.append(c);
            }
        }
        fields.add(field.toString());
        return fields;
    }
}
