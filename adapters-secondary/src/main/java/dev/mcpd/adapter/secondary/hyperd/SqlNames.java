package dev.mcpd.adapter.secondary.hyperd;

import static java.util.Objects.requireNonNull;

import dev.mcpd.domain.error.HyperdException;
import dev.mcpd.domain.model.hyperd.TableRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * SQL names as tools take them: {@code t}, {@code schema.t} or {@code database.schema.t}; an unquoted part is folded
 * to lower case (as SQL does), a double-quoted part ({@code "My Table"}, {@code ""} for a quote) is taken as written.
 * What comes out is always fully qualified and quoted, so that it means the same with any number of attachments.
 */
final class SqlNames {

    /** The alias of the embedded default database. */
    static final String MAIN = "main";

    private static final Pattern UNQUOTED = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]*");
    private static final Pattern ALIAS = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

    private SqlNames() {}

    /**
     * {@link #table(String)} for a name a tool was given.
     *
     * @throws HyperdException.SqlError {@code 42602} (invalid name) saying what is wrong with the name
     */
    static TableRef tableOrError(String text) {
        try {
            return table(requireNonNull(text, "table is null"));
        } catch (IllegalArgumentException e) {
            throw new HyperdException.SqlError("42602", e.getMessage(), e);
        }
    }

    /**
     * Parses a table name; one part is {@code main.public.part}, two are {@code main.schema.table}.
     *
     * @throws IllegalArgumentException saying what is wrong with the name
     */
    static TableRef table(String text) {
        List<String> parts = new ArrayList<>();
        int i = 0;
        int n = text.length();
        while (true) {
            StringBuilder part = new StringBuilder();
            if (i < n && text.charAt(i) == '"') {
                i++;
                boolean closed = false;
                while (i < n) {
                    char c = text.charAt(i++);
                    if (c == '"') {
                        if (i < n && text.charAt(i) == '"') {
                            part.append('"');
                            i++;
                        } else {
                            closed = true;
                            break;
                        }
                    } else if (c == 0) {
                        throw new IllegalArgumentException("a table name cannot hold a NUL character");
                    } else {
                        part.append(c);
                    }
                }
                if (!closed || part.isEmpty()) {
                    throw new IllegalArgumentException("'" + text + "' has an unterminated or empty quoted name");
                }
            } else {
                int start = i;
                while (i < n && text.charAt(i) != '.') {
                    i++;
                }
                String raw = text.substring(start, i).trim();
                if (!UNQUOTED.matcher(raw).matches()) {
                    throw new IllegalArgumentException("'" + text + "' is not a table name: write t, schema.t or "
                            + "database.schema.t, with double quotes around a part that has other characters");
                }
                part.append(raw.toLowerCase(Locale.ROOT));
            }
            parts.add(part.toString());
            if (i >= n) {
                break;
            }
            if (text.charAt(i) != '.') {
                throw new IllegalArgumentException("'" + text + "': expected '.' after a quoted name");
            }
            i++;
        }
        return switch (parts.size()) {
            case 1 -> new TableRef(MAIN, "public", parts.get(0));
            case 2 -> new TableRef(MAIN, parts.get(0), parts.get(1));
            case 3 -> new TableRef(parts.get(0), parts.get(1), parts.get(2));
            default -> throw new IllegalArgumentException("'" + text + "' has more than three parts");
        };
    }

    /** A double-quoted identifier. */
    static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    /** {@code "db"."schema"."table"}. */
    static String qualified(TableRef table) {
        return quote(table.database()) + "." + quote(table.schema()) + "." + quote(table.name());
    }

    /** A single-quoted SQL string literal. */
    static String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }

    /**
     * Checks a database alias.
     *
     * @throws IllegalArgumentException if it is not a plain identifier or is {@code main}
     */
    static String alias(String alias) {
        if (!ALIAS.matcher(alias).matches()) {
            throw new IllegalArgumentException("alias '" + alias + "' must be a plain name: a letter or '_', then letters, "
                    + "digits or '_' (at most 63)");
        }
        String folded = alias.toLowerCase(Locale.ROOT);
        if (folded.equals(MAIN)) {
            throw new IllegalArgumentException("alias 'main' is the embedded default database; choose another");
        }
        return folded;
    }
}
