package dev.mcpd.application.hyperd;

import static dev.mcpd.application.hyperd.HyperdTools.ATTACH_DATABASE;
import static dev.mcpd.application.hyperd.HyperdTools.DESCRIBE_TABLE;
import static dev.mcpd.application.hyperd.HyperdTools.DETACH_DATABASE;
import static dev.mcpd.application.hyperd.HyperdTools.EXECUTE;
import static dev.mcpd.application.hyperd.HyperdTools.HYPERD_STATUS;
import static dev.mcpd.application.hyperd.HyperdTools.LIST_TABLES;
import static dev.mcpd.application.hyperd.HyperdTools.LOAD_CSV;
import static dev.mcpd.application.hyperd.HyperdTools.QUERY;
import static dev.mcpd.application.tool.Shapes.object;
import static java.util.Objects.requireNonNull;

import dev.mcpd.application.tool.Arguments;
import dev.mcpd.application.tool.InvalidArgumentException;
import dev.mcpd.domain.error.HyperdException;
import dev.mcpd.domain.model.Availability;
import dev.mcpd.domain.model.Tool;
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
import dev.mcpd.domain.port.Engine;
import dev.mcpd.domain.port.HyperdClient;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SQL tools over one shared Hyper database server (B-B3), through the {@link HyperdClient} port.
 *
 * <p>Invariants:
 * <ol>
 *   <li>Every SQL operation has a deadline: the call's own, or sooner {@link HyperdEngineConfig#statementTimeout()}.
 *       The engine holds no lock; calls run concurrently, each on its own connection (B-B3, B-M8). Every operation
 *       names the calling client ({@link CallContext#client()}), so that the client shares connections fairly
 *       between clients (review finding 12).
 *   <li>{@code hyperd_status} reads a snapshot and never waits for a busy connection.
 *   <li>SQL errors are {@code isError} results with the SQLSTATE and the server's message; so are bad arguments, an
 *       unavailable hyperd and a deadline that ran out (B-M6).
 *   <li>Every successful result carries {@code structuredContent} matching the tool's {@code outputSchema} and a
 *       readable text block; query results are a text table, truncated with a note.
 * </ol>
 */
public final class HyperdEngine implements Engine {

    /** The engine's name, as {@code daemon_status} and {@code MCPD_ENGINES} use it. */
    public static final String NAME = "hyperd";

    private static final Logger log = LoggerFactory.getLogger(HyperdEngine.class);

    private final HyperdClient client;
    private final HyperdEngineConfig config;
    private final Clock clock;
    private final List<Tool> tools;
    private final Map<String, Set<String>> acceptedArguments;

    /**
     * @param client the hyperd client; whoever supplies it closes it
     * @param config limits and deadlines
     * @param clock the time source for deadlines
     */
    public HyperdEngine(HyperdClient client, HyperdEngineConfig config, Clock clock) {
        this.client = requireNonNull(client, "client is null");
        this.config = requireNonNull(config, "config is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.tools = HyperdTools.all(config);
        this.acceptedArguments = Arguments.acceptedByTool(tools);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Availability availability() {
        return client.availability();
    }

    /** One line: the server's state, endpoint and pid, or why there is none; never blocks. */
    @Override
    public String detail() {
        HyperdStatus status = client.status();
        StringBuilder detail = new StringBuilder("hyperd ").append(status.state().wireName());
        if (status.pid() != null) {
            detail.append(", pid ").append(status.pid()).append(" at ").append(status.endpoint());
        }
        if (status.binary() != null) {
            detail.append(", binary ").append(status.binary());
        }
        detail.append(", database ").append(status.database());
        return detail.toString();
    }

    @Override
    public List<Tool> tools() {
        return tools;
    }

    @Override
    public ToolResult call(String tool, Map<String, Object> arguments, CallContext context) throws InterruptedException {
        Set<String> accepted = acceptedArguments.get(tool);
        if (accepted == null) {
            throw new IllegalArgumentException("no tool " + tool + " in engine " + NAME);
        }
        requireNonNull(arguments, "arguments is null");
        requireNonNull(context, "context is null");
        try {
            Arguments args = new Arguments(tool, arguments, accepted);
            return switch (tool) {
                case QUERY -> query(args, context);
                case EXECUTE -> execute(args, context);
                case LIST_TABLES -> listTables(context);
                case DESCRIBE_TABLE -> describeTable(args, context);
                case ATTACH_DATABASE -> attach(args, context);
                case DETACH_DATABASE -> detach(args, context);
                case LOAD_CSV -> loadCsv(args, context);
                case HYPERD_STATUS -> status();
                default -> throw new IllegalStateException("tool " + tool + " has no handler");
            };
        } catch (InvalidArgumentException e) {
            return ToolResult.error(e.getMessage());
        } catch (HyperdException e) {
            log.debug("{} failed: {}", tool, e.getMessage(), e);
            return ToolResult.error(describe(tool, e));
        }
    }

    /** Nothing to release: the client belongs to whoever supplied it. Idempotent. */
    @Override
    public void close() {}

    private ToolResult query(Arguments args, CallContext context) throws InvalidArgumentException, InterruptedException {
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

    private ToolResult execute(Arguments args, CallContext context) throws InvalidArgumentException, InterruptedException {
        long count = client.execute(context.client(), args.requiredString("sql"), deadline(context));
        return ToolResult.structured(object("row_count", count), "OK, " + count + " row" + (count == 1 ? "" : "s")
                + " affected");
    }

    private ToolResult listTables(CallContext context) throws InterruptedException {
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

    private ToolResult describeTable(Arguments args, CallContext context) throws InvalidArgumentException, InterruptedException {
        TableDescription description = client.describeTable(context.client(), args.requiredString("table"), deadline(context));
        return ToolResult.structured(object("table", description.table().qualifiedName(),
                "columns", columns(description.columns())), HyperdText.description(description));
    }

    private ToolResult attach(Arguments args, CallContext context) throws InvalidArgumentException, InterruptedException {
        Path path = path(args, "path");
        Attachment attachment = client.attachDatabase(context.client(), path, args.requiredString("alias"), deadline(context));
        return ToolResult.structured(object("alias", attachment.alias(), "path", attachment.path().toString()),
                "attached " + attachment.path() + " as " + attachment.alias() + "; its tables are " + attachment.alias()
                        + ".<schema>.<table>");
    }

    private ToolResult detach(Arguments args, CallContext context) throws InvalidArgumentException, InterruptedException {
        String alias = args.requiredString("alias");
        client.detachDatabase(context.client(), alias, deadline(context));
        return ToolResult.structured(object("alias", alias, "result", "detached"), "detached " + alias);
    }

    private ToolResult loadCsv(Arguments args, CallContext context) throws InvalidArgumentException, InterruptedException {
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

    private ToolResult status() {
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

    private static Path path(Arguments args, String key) throws InvalidArgumentException {
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

    private static String describe(String tool, HyperdException e) {
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
