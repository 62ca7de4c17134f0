package dev.mcpd.adapter.primary.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpd.domain.model.ExitCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** README's "Exit codes" table lists every {@link ExitCode}, with its number and meaning, and nothing else. */
class ExitCodeTableTest {

    private static final Pattern ROW = Pattern.compile("\\| (\\d+) \\| `([A-Z_]+)` \\| (.+) \\|");

    @Test
    void readmeListsEveryExitCodeWithItsNumberAndMeaning() throws IOException {
        List<String> readme = Files.readAllLines(Path.of("..", "README.md"));
        int section = readme.indexOf("## Exit codes");
        assertThat(section).as("README has a section '## Exit codes'").isNotNegative();
        List<String> rows = new ArrayList<>();
        for (String line : readme.subList(section + 1, readme.size())) {
            if (line.startsWith("## ")) {
                break;
            }
            Matcher row = ROW.matcher(line);
            if (row.matches()) {
                rows.add(row.group(1) + " " + row.group(2) + " " + row.group(3));
            }
        }
        assertThat(rows).containsExactlyElementsOf(Arrays.stream(ExitCode.values())
                .map(code -> code.code() + " " + code.name() + " " + code.meaning()).toList());
    }

    @Test
    void everyNumberHasOneMeaning() {
        assertThat(Arrays.stream(ExitCode.values()).map(ExitCode::code)).doesNotHaveDuplicates()
                .allSatisfy(code -> assertThat(code).isBetween(0, 255));
    }
}
