package dev.mcpd.application.hyperd;

import static dev.mcpd.application.tool.JsonSchemas.object;

import dev.mcpd.application.tool.InvalidArgumentException;
import dev.mcpd.application.tool.ToolArguments;
import dev.mcpd.domain.error.HyperdException;
import dev.mcpd.domain.model.ToolResult;
import dev.mcpd.domain.model.hyperd.Attachment;
import dev.mcpd.domain.model.hyperd.CsvLoad;
import dev.mcpd.domain.model.hyperd.CsvLoadResult;
import dev.mcpd.domain.model.hyperd.HyperdStatus;
import dev.mcpd.domain.model.hyperd.QueryResult;
import dev.mcpd.domain.model.hyperd.SqlColumn;
import dev.mcpd.domain.model.hyperd.TableDescription;
import dev.mcpd.domain.model.hyperd.TableRef;
import dev.mcpd.domain.port.CallContext;
import dev.mcpd.domain.port.HyperdClient;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The handlers of the hyperd engine's tools ({@link HyperdTools} pairs each tool with one), and the message a person
 * can act on for each hyperd failure. {@link HyperdEngine} states the invariants they keep and checks the parts.
 */
record HyperdCalls(HyperdClient client, HyperdEngineConfig config, Clock clock) {

    ToolResult query(ToolArguments args, CallContext context) throws InvalidArgumentException, InterruptedException {
        String sql = args.requiredString("sql");
        int maxRows = (int) args.integer("max_rows", config.defaultMaxRows(), 1, config.maxMaxRows());
        QueryResult result = client.query(context.client(), sql, maxRows, deadline(context));
        List<Object> rows = new ArrayList<>(result.rows().size());
        rows.addAll(result.rows());
        String text = HyperdText.table(result, config.maxTextChars());
        return ToolResult.structured(object(
                "columns", columns(result.columns()),
                "rows", rows,
                "row_count", result.rows().size(),
                "truncated", result.truncated()), text);
    }

    ToolResult execute(ToolArguments args, CallContext context) throws InvalidArgumentException, InterruptedException {
        long count = client.execute(context.client(), args.requiredString("sql"), deadline(context));
        return ToolResult.structured(object("row_count", count), "OK, " + count + " row" + (count == 1 ? "" : "s")
                + " affected");
    }

    ToolResult listTables(ToolArguments args, CallContext context) throws InterruptedException {
        List<TableRef> tables = client.listTables(context.client(), deadline(context));
        List<Object> rows = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        for (TableRef table : tables) {
            rows.add(object("database", table.database(), "schema", table.schema(), "name", table.name(),
                    "qualified_name", table.qualifiedName()));
            text.append(table.qualifiedName()).append('\n');
        }
        if (tables.isEmpty()) {
            text.append("(no tables yet: create one with execute, or load a CSV file with load_csv)");
        }
        return ToolResult.structured(object("tables", rows, "count", tables.size()), text.toString().stripTrailing());
    }

    ToolResult describeTable(ToolArguments args, CallContext context) throws InvalidArgumentException, InterruptedException {
        TableDescription description = client.describeTable(context.client(), args.requiredString("table"), deadline(context));
        return ToolResult.structured(object("table", description.table().qualifiedName(),
                "columns", columns(description.columns())), HyperdText.description(description));
    }

    ToolResult attach(ToolArguments args, CallContext context) throws InvalidArgumentException, InterruptedException {
        Path path = path(args, "path");
        Attachment attachment = client.attachDatabase(context.client(), path, args.requiredString("alias"), deadline(context));
        return ToolResult.structured(object("alias", attachment.alias(), "path", attachment.path().toString()),
                "attached " + attachment.path() + " as " + attachment.alias() + "; its tables are " + attachment.alias()
                        + ".<schema>.<table>");
    }

    ToolResult detach(ToolArguments args, CallContext context) throws InvalidArgumentException, InterruptedException {
        String alias = args.requiredString("alias");
        client.detachDatabase(context.client(), alias, deadline(context));
        return ToolResult.structured(object("alias", alias, "result", "detached"), "detached " + alias);
    }

    ToolResult loadCsv(ToolArguments args, CallContext context) throws InvalidArgumentException, InterruptedException {
        Path path = path(args, "path");
        String table = args.requiredString("table");
        boolean header = args.flag("header", true);
        String delimiter = args.optionalString("delimiter");
        if (delimiter == null) {
            delimiter = ",";
        }
        if (delimiter.length() != 1) {
            throw args.problem("delimiter", "must be one character, not '" + delimiter + "'");
        }
        CsvLoadResult result = client.loadCsv(context.client(), new CsvLoad(path, table, header, delimiter.charAt(0)), deadline(context));
        String text = "loaded " + result.rows() + " row" + (result.rows() == 1 ? "" : "s") + " from " + path + " into "
                + result.table().qualifiedName() + (result.created() ? " (created the table)" : "") + "\n"
                + HyperdText.description(result.description());
        return ToolResult.structured(object("table", result.table().qualifiedName(), "rows", result.rows(),
                "created", result.created(), "columns", columns(result.description().columns())), text);
    }

    ToolResult status(ToolArguments args, CallContext context) {
        HyperdStatus status = client.status();
        List<Object> attachments = new ArrayList<>();
        for (Attachment attachment : status.attachments()) {
            attachments.add(object("alias", attachment.alias(), "path", attachment.path().toString()));
        }
        Map<String, Object> structured = object(
                "state", status.state().wireName(),
                "endpoint", status.endpoint(),
                "pid", status.pid(),
                "uptime_seconds", status.uptime().toSeconds(),
                "restarts", status.restarts(),
                "connections_busy", status.busyConnections(),
                "connections_idle", status.idleConnections(),
                "connections_max", status.maxConnections(),
                "binary", status.binary() == null ? null : status.binary().toString(),
                "database", status.database().toString(),
                "attachments", attachments,
                "last_error", status.lastError().isEmpty() ? null : status.lastError());
        return ToolResult.structured(structured, HyperdText.status(status));
    }

    private Instant deadline(CallContext context) {
        Instant own = clock.instant().plus(config.statementTimeout());
        return context.deadline().isBefore(own) ? context.deadline() : own;
    }

    private static Path path(ToolArguments args, String key) throws InvalidArgumentException {
        String text = args.requiredString(key);
        try {
            return Path.of(text).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            throw args.problem(key, "is not a valid path: " + e.getMessage());
        }
    }

    private static List<Object> columns(List<SqlColumn> columns) {
        List<Object> list = new ArrayList<>(columns.size());
        for (SqlColumn column : columns) {
            list.add(object("name", column.name(), "type", column.type(), "nullable", column.nullable()));
        }
        return list;
    }

    /** A message a person can act on (B-M6). */
    static String describe(String tool, HyperdException e) {
        return switch (e) {
            case HyperdException.SqlError sql -> tool + ": SQL error " + sql.sqlState() + ": " + sql.serverMessage();
            case HyperdException.NoSuchTable missing -> tool + ": " + missing.getMessage()
                    + "; list_tables shows the tables there are";
            case HyperdException.Unavailable unavailable -> tool + ": hyperd is not available: " + unavailable.getMessage();
            case HyperdException.DeadlineExceeded late -> tool + ": " + late.getMessage()
                    + "; the statement was cancelled. Narrow the query or add a LIMIT";
            case HyperdException.ConnectionLost lost -> tool + ": " + lost.getMessage()
                    + "; it may or may not have taken effect. The next call reconnects (hyperd_status shows the server)";
        };
    }
}
