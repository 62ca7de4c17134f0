package dev.mcpd.domain.model.hyperd;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;

/**
 * A {@code .hyper} database file attached under an alias; its tables are {@code alias.schema.table}.
 *
 * @param alias the SQL name of the database, e.g. {@code sales}
 * @param path the absolute path of the {@code .hyper} file
 */
public record Attachment(String alias, Path path) {

    public Attachment {
        requireNonNull(alias, "alias is null");
        requireNonNull(path, "path is null");
    }
}
