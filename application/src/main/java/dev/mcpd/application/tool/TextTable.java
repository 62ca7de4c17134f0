package dev.mcpd.application.tool;

import java.util.ArrayList;
import java.util.List;

/**
 * A text table of cells, in one of two styles: the {@code docker} CLI's ({@code docker ps}) or {@code psql}'s. The
 * first row is the header; every row has as many cells as the header. Columns are as wide as their widest cell.
 */
public enum TextTable {

    /** Left-aligned columns three spaces apart, no rule, no trailing spaces: {@code docker ps}, {@code docker images}. */
    DOCKER {
        @Override
        public List<String> lines(List<List<String>> rows) {
            int[] widths = widths(rows);
            List<String> lines = new ArrayList<>(rows.size());
            for (List<String> row : rows) {
                StringBuilder line = new StringBuilder();
                for (int c = 0; c < widths.length; c++) {
                    line.append(row.get(c));
                    if (c < widths.length - 1) {
                        line.append(" ".repeat(widths[c] - row.get(c).length() + 3));
                    }
                }
                lines.add(line.toString().stripTrailing());
            }
            return lines;
        }
    },

    /**
     * {@code psql}'s aligned format: cells padded to their column's width, separated by {@code " | "} with one
     * leading space, and a rule of dashes joined by {@code +} under the header.
     */
    PSQL {
        @Override
        public List<String> lines(List<List<String>> rows) {
            int[] widths = widths(rows);
            List<String> lines = new ArrayList<>(rows.size() + 1);
            for (List<String> row : rows) {
                StringBuilder line = new StringBuilder();
                for (int c = 0; c < widths.length; c++) {
                    line.append(c == 0 ? " " : " | ").append(row.get(c)).append(" ".repeat(widths[c] - row.get(c).length()));
                }
                lines.add(line.toString());
            }
            StringBuilder rule = new StringBuilder();
            for (int c = 0; c < widths.length; c++) {
                rule.append(c == 0 ? "" : "+").append("-".repeat(widths[c] + 2));
            }
            lines.add(1, rule.toString());
            return lines;
        }
    };

    /** The table's lines, without line ends: for {@link #PSQL} the header, the rule, then the rows. */
    public abstract List<String> lines(List<List<String>> rows);

    /** The table, each line ended by {@code \n}. */
    public String render(List<List<String>> rows) {
        StringBuilder text = new StringBuilder();
        lines(rows).forEach(line -> text.append(line).append('\n'));
        return text.toString();
    }

    private static int[] widths(List<List<String>> rows) {
        int[] widths = new int[rows.getFirst().size()];
        for (List<String> row : rows) {
            for (int c = 0; c < widths.length; c++) {
                widths[c] = Math.max(widths[c], row.get(c).length());
            }
        }
        return widths;
    }
}
