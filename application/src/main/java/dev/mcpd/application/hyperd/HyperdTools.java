package dev.mcpd.application.hyperd;

import static dev.mcpd.application.tool.JsonSchemas.allRequired;
import static dev.mcpd.application.tool.JsonSchemas.arrayOf;
import static dev.mcpd.application.tool.JsonSchemas.bool;
import static dev.mcpd.application.tool.JsonSchemas.inputSchema;
import static dev.mcpd.application.tool.JsonSchemas.integer;
import static dev.mcpd.application.tool.JsonSchemas.listOutput;
import static dev.mcpd.application.tool.JsonSchemas.noArguments;
import static dev.mcpd.application.tool.JsonSchemas.nonEmptyString;
import static dev.mcpd.application.tool.JsonSchemas.object;
import static dev.mcpd.application.tool.JsonSchemas.objectOf;
import static dev.mcpd.application.tool.JsonSchemas.outputSchema;
import static dev.mcpd.application.tool.JsonSchemas.string;

import dev.mcpd.application.tool.ToolHandler;
import dev.mcpd.domain.model.Tool;
import dev.mcpd.domain.model.ToolAnnotations;
import java.util.List;
import java.util.Map;

/** The tools of the hyperd engine, their JSON Schemas (2020-12) and annotations (B-M5). */
final class HyperdTools {


    private static final String TABLE = "A table: name, schema.name or database.schema.name (the default database is "
            + "main; attached ones go by their alias). Unquoted names are case-insensitive as in SQL; put double "
            + "quotes around a part with other characters.";

    private HyperdTools() {}

    /** Every tool of the engine, in {@code tools/list} order, each with its handler in {@code calls}. */
    static List<ToolHandler> all(HyperdEngineConfig config, HyperdCalls calls) {
        return List.of(
                new ToolHandler(new Tool("query", "Run a SQL query",
                        "Runs one read-only SQL statement (SELECT, WITH, VALUES, SHOW, EXPLAIN) on the Hyper database "
                                + "server and returns at most max_rows rows, as a text table and as structured content "
                                + "(columns with types, rows as arrays). Hyper SQL is PostgreSQL-like. Unqualified "
                                + "names resolve in the default database while nothing else is attached.",
                        inputSchema(object(
                                "sql", nonEmptyString("One read-only statement, e.g. SELECT region, sum(amount) FROM "
                                        + "sales GROUP BY region."),
                                "max_rows", integer("The most rows to return; truncated results say so.", 1,
                                        config.maxMaxRows(), config.defaultMaxRows())),
                                List.of("sql")),
                        outputSchema(object(
                                "columns", arrayOf(columnSchema(), "The result's columns, in order."),
                                "rows", arrayOf(object("type", "array"), "Each row's values in column order: numbers, "
                                        + "strings, booleans or null; dates and times as text."),
                                "row_count", integer("How many rows are returned."),
                                "truncated", bool("Whether the query had more rows than max_rows.")),
                                List.of("columns", "rows", "row_count", "truncated")),
                        ToolAnnotations.readOnly()), calls::query),
                new ToolHandler(new Tool("execute", "Run a SQL statement",
                        "Runs one SQL statement that changes data or schema (CREATE, INSERT, UPDATE, DELETE, DROP, COPY) "
                                + "and returns how many rows it affected.",
                        inputSchema(object("sql", nonEmptyString("One statement, e.g. CREATE TABLE t (a INT).")),
                                List.of("sql")),
                        outputSchema(object("row_count", integer("Rows inserted, updated, deleted or copied; 0 for DDL.")),
                                List.of("row_count")),
                        ToolAnnotations.destructive()), calls::execute),
                new ToolHandler(new Tool("list_tables", "List tables",
                        "Lists the tables of the default database (main) and of every attached database.",
                        noArguments(),
                        listOutput("tables", allRequired(
                                "database", string("main, or an attached database's alias."),
                                "schema", string("The schema, usually public."),
                                "name", string("The table's name."),
                                "qualified_name", string("database.schema.name, usable in any query.")), "main first.",
                                "tables"),
                        ToolAnnotations.readOnly()), calls::listTables),
                new ToolHandler(new Tool("describe_table", "Describe a table",
                        "Shows a table's columns with their SQL types and whether they may be NULL.",
                        inputSchema(object("table", nonEmptyString(TABLE)), List.of("table")),
                        outputSchema(object(
                                "table", string("The table, fully qualified."),
                                "columns", arrayOf(columnSchema(), "In column order.")),
                                List.of("table", "columns")),
                        ToolAnnotations.readOnly()), calls::describeTable),
                new ToolHandler(new Tool("attach_database", "Attach a .hyper file",
                        "Attaches an existing .hyper database file under an alias, for every session of the daemon; "
                                + "its tables are then alias.schema.table. With more than one database attached, "
                                + "qualify table names (main.public.t).",
                        inputSchema(object(
                                "path", nonEmptyString("The .hyper file, an absolute path (or relative to the daemon's "
                                        + "working directory)."),
                                "alias", object("type", "string", "pattern", "^[A-Za-z_][A-Za-z0-9_]{0,62}$",
                                        "description", "The SQL name to give the database; not main.")),
                                List.of("path", "alias")),
                        outputSchema(object("alias", string("The alias."), "path", string("The file attached.")),
                                List.of("alias", "path")),
                        ToolAnnotations.write()), calls::attach),
                new ToolHandler(new Tool("detach_database", "Detach a database",
                        "Detaches a database attached with attach_database; the file is left as it is.",
                        inputSchema(object("alias", nonEmptyString("The alias given to attach_database.")),
                                List.of("alias")),
                        outputSchema(object("alias", string("The alias."), "result", string("detached")),
                                List.of("alias", "result")),
                        ToolAnnotations.write()), calls::detach),
                new ToolHandler(new Tool("load_csv", "Load a CSV file",
                        "Loads a CSV file into a table with COPY (hyperd reads the file itself, so give a path it can "
                                + "read). When the table does not exist and the file has a header, the table is created "
                                + "with column types guessed from the first 1000 rows (BIGINT, DOUBLE PRECISION, "
                                + "BOOLEAN, DATE, TIMESTAMP, else TEXT).",
                        inputSchema(object(
                                "path", nonEmptyString("The CSV file, an absolute path."),
                                "table", nonEmptyString(TABLE),
                                "header", bool("Whether the first line holds column names.", true),
                                "delimiter", object("type", "string", "minLength", 1, "maxLength", 1, "default", ",",
                                        "description", "The field delimiter, one character, e.g. ; or a tab.")),
                                List.of("path", "table")),
                        outputSchema(object(
                                "table", string("The table loaded, fully qualified."),
                                "rows", integer("How many rows were loaded."),
                                "created", bool("Whether the table was created for this load."),
                                "columns", arrayOf(columnSchema(), "The table's columns after the load.")),
                                List.of("table", "rows", "created", "columns")),
                        ToolAnnotations.write()), calls::loadCsv),
                new ToolHandler(new Tool("hyperd_status", "Hyper server status",
                        "Shows the Hyper database server mcpd runs: state, endpoint, pid, uptime, restarts, busy and "
                                + "idle connections, attached databases. Answers at once, even while queries run.",
                        noArguments(),
                        outputSchema(object(
                                "state", string("not_started, starting, running, restarting, failed, stopped or "
                                        + "unavailable."),
                                "endpoint", string("Where hyperd listens: its Unix-domain socket, e.g. "
                                        + "tab.domain://<state dir>/hyperd/run/<pid>/domain/.s.PGSQL.1."),
                                "pid", integer("hyperd's process id."),
                                "uptime_seconds", integer("How long the current hyperd has run."),
                                "restarts", integer("Restarts after unexpected exits."),
                                "connections_busy", integer("Connections running a statement now."),
                                "connections_idle", integer("Connections open and free."),
                                "connections_max", integer("The pool's size."),
                                "binary", string("The hyperd executable."),
                                "database", string("The default database file (main)."),
                                "attachments", arrayOf(objectOf(object("alias", string("The alias."),
                                        "path", string("The file.")), List.of("alias", "path")), "By alias."),
                                "last_error", string("Why hyperd last exited or failed to start.")),
                                List.of("state", "restarts", "connections_busy", "connections_idle", "connections_max",
                                        "database", "attachments")),
                        ToolAnnotations.readOnly()), calls::status));
    }

    private static Map<String, Object> columnSchema() {
        return objectOf(object(
                "name", string("The column's name."),
                "type", string("Its SQL type, e.g. bigint, text, double precision, date."),
                "nullable", bool("Whether it may hold NULL (tables only).")),
                List.of("name", "type"));
    }
}
