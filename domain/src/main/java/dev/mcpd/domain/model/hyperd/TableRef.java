package dev.mcpd.domain.model.hyperd;

import static java.util.Objects.requireNonNull;

/**
 * A table, fully qualified.
 *
 * @param database the database alias: {@code main} for the embedded default database, or an attached alias
 * @param schema the schema, usually {@code public}
 * @param name the table's name
 */
public record TableRef(String database, String schema, String name) {

    public TableRef {
        requireNonNull(database, "database is null");
        requireNonNull(schema, "schema is null");
        requireNonNull(name, "name is null");
    }

    /** {@code database.schema.name}, as a person would write it. */
    public String qualifiedName() {
        return database + "." + schema + "." + name;
    }
}
