package dev.mcpd.application.tool;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class TextTableTest {

    @Test
    void alignsColumnsWithoutTrailingSpaces() {
        String table = TextTable.DOCKER.render(List.of(List.of("A", "BB", "C"), List.of("long value", "x", "")));
        assertThat(table).isEqualTo("A            BB   C\nlong value   x\n");
    }

    @Test
    void psqlPadsEveryCellAndRulesUnderTheHeader() {
        String table = TextTable.PSQL.render(List.of(List.of("id", "name"), List.of("1", "Ada"), List.of("22", "Grace")));
        assertThat(table).isEqualTo(" id | name \n----+-------\n 1  | Ada  \n 22 | Grace\n");
    }
}
