package dev.mcpd.domain.fake;

import dev.mcpd.domain.error.HyperdException;
import dev.mcpd.domain.model.Availability;
import dev.mcpd.domain.model.ClientId;
import dev.mcpd.domain.model.hyperd.Attachment;
import dev.mcpd.domain.model.hyperd.CsvLoad;
import dev.mcpd.domain.model.hyperd.CsvLoadResult;
import dev.mcpd.domain.model.hyperd.HyperdState;
import dev.mcpd.domain.model.hyperd.HyperdStatus;
import dev.mcpd.domain.model.hyperd.QueryResult;
import dev.mcpd.domain.model.hyperd.SqlColumn;
import dev.mcpd.domain.model.hyperd.TableDescription;
import dev.mcpd.domain.model.hyperd.TableRef;
import dev.mcpd.domain.port.HyperdClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link HyperdClient} without a server, for engine tests: tables are declared with {@link #table}, query results
 * are scripted with {@link #answer}, and {@link #stall} makes a query block (until its deadline, or release) to show
 * that nothing else waits for it. SQL it was not told about is {@code 42601} (syntax error). It keeps the port's
 * invariants 1-3: deadlines, no lock across calls, a non-blocking {@link #status()}.
 */
public final class InMemoryHyperdClient implements HyperdClient {

    private final Clock clock;
    private final Map<String, QueryResult> answers = new ConcurrentHashMap<>();
    private final Map<String, CountDownLatch> stalls = new ConcurrentHashMap<>();
    private final Map<String, TableDescription> tables = new ConcurrentSkipListMap<>();
    private final Map<String, Attachment> attachments = new ConcurrentSkipListMap<>();
    private final List<String> executed = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger busy = new AtomicInteger();
    private volatile Availability availability = Availability.available();
    private volatile Instant lastDeadline;
    private volatile ClientId lastCaller;
    private volatile boolean closed;

    public InMemoryHyperdClient(Clock clock) {
        this.clock = clock;
    }

    /** {@code sql} answers with {@code result}. */
    public InMemoryHyperdClient answer(String sql, QueryResult result) {
        answers.put(sql, result);
        return this;
    }

    /** {@code sql} blocks until its deadline (then {@link HyperdException.DeadlineExceeded}) or until the latch opens. */
    public CountDownLatch stall(String sql) {
        CountDownLatch latch = new CountDownLatch(1);
        stalls.put(sql, latch);
        return latch;
    }

    /** Declares a table in {@code main.public}. */
    public InMemoryHyperdClient table(String name, SqlColumn... columns) {
        TableRef ref = new TableRef("main", "public", name);
        tables.put(ref.qualifiedName(), new TableDescription(ref, List.of(columns)));
        return this;
    }

    public void makeUnavailable(String reason) {
        availability = Availability.unavailable(reason);
    }

    /** Statements given to {@link #execute}, in order. */
    public List<String> executed() {
        return List.copyOf(executed);
    }

    /** The deadline of the last operation. */
    public Instant lastDeadline() {
        return lastDeadline;
    }

    /** The caller named by the last operation ({@code null} for an in-process caller, or before any). */
    public ClientId lastCaller() {
        return lastCaller;
    }

    public boolean isClosed() {
        return closed;
    }

    @Override
    public Availability availability() {
        return availability;
    }

    @Override
    public HyperdStatus status() {
        if (closed) {
            return new HyperdStatus(HyperdState.STOPPED, null, null, Duration.ZERO, 0, 0, 0, 8, Path.of("/fake/hyperd"),
                    Path.of("/fake/mcpd.hyper"), List.copyOf(attachments.values()), "");
        }
        return new HyperdStatus(availability.isAvailable() ? HyperdState.RUNNING : HyperdState.UNAVAILABLE,
                "tab.domain:///fake/run/1/domain/.s.PGSQL.1", 1L,
                Duration.ofSeconds(1), 0, busy.get(), 1, 8, Path.of("/fake/hyperd"), Path.of("/fake/mcpd.hyper"),
                List.copyOf(attachments.values()), "");
    }

    @Override
    public QueryResult query(ClientId caller, String sql, int maxRows, Instant deadline) throws InterruptedException {
        begin(caller, deadline);
        busy.incrementAndGet();
        try {
            CountDownLatch stall = stalls.get(sql);
            if (stall != null) {
                long wait = Duration.between(clock.instant(), deadline).toMillis();
                if (!stall.await(Math.max(0, wait), TimeUnit.MILLISECONDS)) {
                    throw new HyperdException.DeadlineExceeded("query", Duration.ofMillis(wait), null);
                }
            }
            QueryResult answer = answers.get(sql);
            if (answer == null) {
                throw new HyperdException.SqlError("42601", "syntax error near '" + sql + "'", null);
            }
            if (answer.rows().size() > maxRows) {
                return new QueryResult(answer.columns(), answer.rows().subList(0, maxRows), true);
            }
            return answer;
        } finally {
            busy.decrementAndGet();
        }
    }

    @Override
    public long execute(ClientId caller, String sql, Instant deadline) {
        begin(caller, deadline);
        executed.add(sql);
        return 1;
    }

    @Override
    public List<TableRef> listTables(ClientId caller, Instant deadline) {
        begin(caller, deadline);
        return tables.values().stream().map(TableDescription::table).toList();
    }

    @Override
    public TableDescription describeTable(ClientId caller, String table, Instant deadline) {
        begin(caller, deadline);
        TableDescription description = tables.get(table.contains(".") ? table : "main.public." + table);
        if (description == null) {
            throw new HyperdException.NoSuchTable(table);
        }
        return description;
    }

    @Override
    public Attachment attachDatabase(ClientId caller, Path path, String alias, Instant deadline) {
        begin(caller, deadline);
        Attachment attachment = new Attachment(alias, path);
        if (attachments.putIfAbsent(alias, attachment) != null) {
            throw new HyperdException.SqlError("42710", "alias '" + alias + "' is already attached", null);
        }
        return attachment;
    }

    @Override
    public void detachDatabase(ClientId caller, String alias, Instant deadline) {
        begin(caller, deadline);
        if (attachments.remove(alias) == null) {
            throw new HyperdException.SqlError("3D000", "no database is attached as '" + alias + "'", null);
        }
    }

    @Override
    public CsvLoadResult loadCsv(ClientId caller, CsvLoad load, Instant deadline) {
        begin(caller, deadline);
        boolean created = !tables.containsKey("main.public." + load.table());
        if (created) {
            table(load.table(), new SqlColumn("line", "text", true));
        }
        TableDescription description = tables.get("main.public." + load.table());
        return new CsvLoadResult(description.table(), 2, created, description);
    }

    /** Like the real client: afterwards it is unavailable, refuses operations and reports {@code stopped}. */
    @Override
    public void close() {
        closed = true;
        availability = Availability.unavailable("the hyperd client is closed");
    }

    private void begin(ClientId caller, Instant deadline) {
        lastDeadline = deadline;
        lastCaller = caller;
        if (!availability.isAvailable()) {
            throw new HyperdException.Unavailable(availability.reason(), null);
        }
        if (!clock.instant().isBefore(deadline)) {
            throw new HyperdException.DeadlineExceeded("operation", Duration.ZERO, null);
        }
    }
}
