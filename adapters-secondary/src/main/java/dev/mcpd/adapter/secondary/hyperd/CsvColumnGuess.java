package dev.mcpd.adapter.secondary.hyperd;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.commons.io.input.BOMInputStream;

/**
 * Guesses SQL column types for a new table from a CSV file's header and first rows, so that {@code load_csv} can
 * create the table it loads into: {@code BIGINT}, {@code DOUBLE PRECISION}, {@code BOOLEAN}, {@code DATE},
 * {@code TIMESTAMP}, else {@code TEXT}. Empty fields (NULL to {@code COPY}) fit every type.
 *
 * <p>The file is read as UTF-8 with RFC 4180 quoting (a quoted field may span lines; commons-csv), after a UTF-8 byte
 * order mark if there is one: spreadsheet programs write one, and it is not part of the first column's name.
 */
final class CsvColumnGuess {

    /** How many data rows are looked at. */
    static final int SAMPLE_ROWS = 1000;

    private static final Pattern INTEGER = Pattern.compile("[+-]?\\d{1,18}");
    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
    private static final Pattern BOOL = Pattern.compile("(?i)true|false");
    private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
    private static final Pattern TIMESTAMP = Pattern.compile("\\d{4}-\\d{2}-\\d{2}[ T]\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,6})?)?");

    /**
     * RFC 4180, as lenient as hyperd's {@code COPY} is left to be: an unclosed quote at the end of the file ends the
     * field, and text after a closing quote belongs to the field.
     */
    private static final CSVFormat RFC_4180 = CSVFormat.RFC4180.builder().setLenientEof(true).setTrailingData(true).get();

    /** A column to create. */
    record Column(String name, String type) {}

    /** The kind of one non-empty field. */
    private enum Kind { INTEGER, DECIMAL, BOOLEAN, DATE, TIMESTAMP, OTHER }

    private CsvColumnGuess() {}

    /**
     * Reads the header and up to {@link #SAMPLE_ROWS} rows of {@code file}.
     *
     * @throws IOException when the file cannot be read, or is not UTF-8
     * @throws IllegalArgumentException when the file has no header line
     */
    static List<Column> guess(Path file, char delimiter) throws IOException {
        CSVFormat format = RFC_4180.builder().setDelimiter(delimiter).get();
        try (Reader reader = new InputStreamReader(BOMInputStream.builder().setPath(file).get(),
                StandardCharsets.UTF_8.newDecoder());
                CSVParser parser = format.parse(reader)) {
            Iterator<CSVRecord> records = parser.iterator();
            List<String> header = records.hasNext() ? records.next().toList() : List.of();
            if (header.isEmpty()) {
                throw new IllegalArgumentException(file + " is empty: it needs a header line to create a table from");
            }
            int width = header.size();
            List<Set<Kind>> seen = new ArrayList<>(width);
            for (int c = 0; c < width; c++) {
                seen.add(EnumSet.noneOf(Kind.class));
            }
            for (int row = 0; row < SAMPLE_ROWS && records.hasNext(); row++) {
                CSVRecord fields = records.next();
                for (int c = 0; c < width && c < fields.size(); c++) {
                    kind(fields.get(c)).ifPresent(seen.get(c)::add);
                }
            }
            List<Column> columns = new ArrayList<>(width);
            for (int c = 0; c < width; c++) {
                String name = header.get(c).strip();
                columns.add(new Column(name.isEmpty() ? "column_" + (c + 1) : name, type(seen.get(c))));
            }
            return columns;
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** The kind of one field; empty for an empty field (NULL fits every type). */
    private static Optional<Kind> kind(String value) {
        if (value.isEmpty()) {
            return Optional.empty();
        }
        if (INTEGER.matcher(value).matches()) {
            return Optional.of(Kind.INTEGER);
        }
        if (DECIMAL.matcher(value).matches()) {
            return Optional.of(Kind.DECIMAL);
        }
        if (BOOL.matcher(value).matches()) {
            return Optional.of(Kind.BOOLEAN);
        }
        if (DATE.matcher(value).matches()) {
            return Optional.of(Kind.DATE);
        }
        return Optional.of(TIMESTAMP.matcher(value).matches() ? Kind.TIMESTAMP : Kind.OTHER);
    }

    /** The narrowest type holding every kind seen; a mix of unrelated kinds is TEXT, never a wrong type. */
    private static String type(Set<Kind> seen) {
        if (seen.equals(EnumSet.of(Kind.INTEGER))) {
            return "BIGINT";
        }
        if (!seen.isEmpty() && EnumSet.of(Kind.INTEGER, Kind.DECIMAL).containsAll(seen)) {
            return "DOUBLE PRECISION";
        }
        if (seen.equals(EnumSet.of(Kind.BOOLEAN))) {
            return "BOOLEAN";
        }
        if (seen.equals(EnumSet.of(Kind.DATE))) {
            return "DATE";
        }
        if (!seen.isEmpty() && EnumSet.of(Kind.DATE, Kind.TIMESTAMP).containsAll(seen)) {
            return "TIMESTAMP";
        }
        return "TEXT";
    }
}
