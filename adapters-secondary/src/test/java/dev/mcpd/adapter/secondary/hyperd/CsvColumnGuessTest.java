package dev.mcpd.adapter.secondary.hyperd;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The column names and types {@code load_csv} creates a table with. */
class CsvColumnGuessTest {

    /** The UTF-8 byte order mark that spreadsheet programs write at the start of a CSV export. */
    private static final byte[] UTF8_BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    @TempDir
    Path dir;

    @Test
    void guessesColumnTypesFromTheFirstRows() throws Exception {
        Path csv = dir.resolve("t.csv");
        Files.writeString(csv, "i,d,b,day,ts,mixed,\"quoted, name\"\n1,1.5,true,2024-01-01,2024-01-01 10:00:00,1,x\n"
                + "2,,false,,2024-01-02T11:00,yes,\"multi\nline\"\n,3,TRUE,2024-01-03,2024-01-03,2,y\n");
        assertThat(CsvColumnGuess.guess(csv, ',')).containsExactly(
                new CsvColumnGuess.Column("i", "BIGINT"), new CsvColumnGuess.Column("d", "DOUBLE PRECISION"),
                new CsvColumnGuess.Column("b", "BOOLEAN"), new CsvColumnGuess.Column("day", "DATE"),
                new CsvColumnGuess.Column("ts", "TIMESTAMP"), new CsvColumnGuess.Column("mixed", "TEXT"),
                new CsvColumnGuess.Column("quoted, name", "TEXT"));
    }

    @Test
    void aCsvExportedWithAByteOrderMarkNamesItsFirstColumnWithoutIt() throws Exception {
        Path csv = dir.resolve("export.csv");
        Files.write(csv, UTF8_BOM);
        Files.writeString(csv, "id,name\n1,alice\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        assertThat(CsvColumnGuess.guess(csv, ',')).containsExactly(
                new CsvColumnGuess.Column("id", "BIGINT"), new CsvColumnGuess.Column("name", "TEXT"));
    }
}
