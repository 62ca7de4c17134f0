package dev.mcpd.adapter.secondary.hyperd;

import static java.util.Objects.requireNonNull;

import dev.mcpd.domain.error.HyperdException;
import dev.mcpd.domain.model.Availability;
import dev.mcpd.domain.model.ClientId;
import dev.mcpd.domain.model.hyperd.Attachment;
import dev.mcpd.domain.model.hyperd.CsvLoad;
import dev.mcpd.domain.model.hyperd.CsvLoadResult;
import dev.mcpd.domain.model.hyperd.HyperdState;
import dev.mcpd.domain.model.hyperd.HyperdStatus;
import dev.mcpd.domain.model.hyperd.QueryResult;
import dev.mcpd.domain.model.hyperd.TableDescription;
import dev.mcpd.domain.model.hyperd.TableRef;
import dev.mcpd.domain.port.HyperdClient;
import java.nio.file.Path;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@link HyperdClient} over pgjdbc and a HikariCP pool, to a hyperd that a {@link HyperdSupervisor} runs (B-B3).
 * Every operation goes through {@code run(operation, caller, deadline, work)}; the parts are {@link HyperdPool},
 * {@link FairConnectionGate}, {@link AttachmentSync}, {@link HyperdCatalog}, {@link CsvTableLoader},
 * {@link ReadOnlySql}, {@link ResultSetDecoder} and {@link SqlErrors}.
 *
 * <p>Design (ADR 0007), as numbered invariants:
 * <ol>
 *   <li>No lock is held across I/O. Each wait (hyperd's start, the pool's creation, a turn, a connection) ends at the
 *       caller's own deadline.
 *   <li>Each operation borrows its own pool connection, its turn given by a {@link FairConnectionGate} (no client
 *       holds more than pool size - 1 connections; review finding 12), with the socket read timeout and the statement
 *       timeout of {@link Deadlines}: a statement past its deadline gets a cancel request and the connection stays
 *       usable; a frozen server is cut off by the socket timeout and that connection is evicted.
 *   <li>A caller interrupted while its statement runs (an MCP cancellation, B-M7) sends hyperd a cancel request.
 *   <li>User SQL runs through the simple query protocol ({@code preferQueryMode=extendedForPrepared}): hyperd
 *       reports wrong row counts in the extended protocol's command tags. {@code query} runs inside
 *       {@code BEGIN READ ONLY}.
 *   <li>{@link #status()} reads counters only; it never borrows a connection.
 * </ol>
 */
public final class PgWireHyperdClient implements HyperdClient {

    private final HyperdSupervisor supervisor;
    private final String missingReason;
    private final PgWireHyperdClientConfig config;
    private final Clock clock;
    private final Deadlines deadlines;
    private final HyperdPool pool;
    private final AttachmentSync attachments;
    private final HyperdCatalog catalog;
    private final CsvTableLoader csv;
    private final PooledCall calls;
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * A client over the hyperd {@code located} found; without one, every operation fails with
     * {@link HyperdException.Unavailable} saying where it looked. hyperd starts on the first operation.
     */
    public PgWireHyperdClient(HyperdBinaryLocator.Located located, PgWireHyperdClientConfig config, Clock clock) {
        this(located.binary().map(binary -> new HyperdSupervisor(binary, config, clock))
                .orElse(null), located.whyMissing(), config, clock);
    }

    /** A client over {@code supervisor}, which it owns and closes. */
    public PgWireHyperdClient(HyperdSupervisor supervisor, PgWireHyperdClientConfig config, Clock clock) {
        this(requireNonNull(supervisor, "supervisor is null"), "", config, clock);
    }

    private PgWireHyperdClient(HyperdSupervisor supervisor, String missingReason, PgWireHyperdClientConfig config, Clock clock) {
        this.supervisor = supervisor;
        this.missingReason = missingReason;
        this.config = requireNonNull(config, "config is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.deadlines = new Deadlines(clock, config.socketGrace());
        this.pool = new HyperdPool(config, deadlines);
        this.attachments = new AttachmentSync(deadlines);
        this.calls = new PooledCall(pool, new FairConnectionGate(config.poolSize(),
                FairConnectionGate.capFor(config.poolSize())), attachments, deadlines);
        this.catalog = new HyperdCatalog(attachments, deadlines);
        this.csv = new CsvTableLoader(catalog, deadlines);
    }

    @Override
    public Availability availability() {
        if (supervisor == null) {
            return Availability.unavailable(missingReason);
        }
        if (closed.get()) {
            return Availability.unavailable("the hyperd client is closed (mcpd is shutting down)");
        }
        HyperdSupervisor.Health health = supervisor.health();
        if (health.state() == HyperdState.FAILED) {
            return Availability.unavailable("hyperd is down: " + health.lastError());
        }
        return Availability.available();
    }

    @Override
    public HyperdStatus status() {
        if (supervisor == null) {
            return new HyperdStatus(HyperdState.UNAVAILABLE, null, null, Duration.ZERO, 0, 0, 0, config.poolSize(),
                    null, pool.database(), attachments.all(), missingReason);
        }
        HyperdSupervisor.Health health = supervisor.health();
        Optional<HyperdSupervisor.Running> running = supervisor.runningNow();
        HyperdPool.Usage usage = pool.usage();
        return new HyperdStatus(health.state(),
                running.map(HyperdSupervisor.Running::descriptor).orElse(null),
                running.map(r -> r.process().pid()).orElse(null),
                running.map(r -> Duration.between(r.startedAt(), clock.instant())).orElse(Duration.ZERO),
                health.restarts(), usage.busy(), usage.idle(), config.poolSize(), supervisor.binary(),
                pool.database(), attachments.all(), health.lastError());
    }

    @Override
    public QueryResult query(ClientId caller, String sql, int maxRows, Instant deadline) throws InterruptedException {
        requireNonNull(sql, "sql is null");
        if (maxRows < 1) {
            throw new IllegalArgumentException("maxRows must be at least 1: " + maxRows);
        }
        ReadOnlySql.require(sql);
        return run("query", caller, deadline, connection -> ReadOnlySql.query(connection, sql, maxRows,
                statement -> deadlines.bound(statement, deadline)));
    }

    @Override
    public long execute(ClientId caller, String sql, Instant deadline) throws InterruptedException {
        requireNonNull(sql, "sql is null");
        return run("execute", caller, deadline, connection -> {
            try (Statement statement = connection.createStatement()) {
                deadlines.bound(statement, deadline);
                boolean resultSet = statement.execute(sql);
                return resultSet ? 0L : Math.max(0L, statement.getLargeUpdateCount());
            }
        });
    }

    @Override
    public List<TableRef> listTables(ClientId caller, Instant deadline) throws InterruptedException {
        return run("list_tables", caller, deadline, connection -> catalog.listTables(connection, deadline));
    }

    @Override
    public TableDescription describeTable(ClientId caller, String table, Instant deadline) throws InterruptedException {
        TableRef ref = SqlNames.tableOrError(table);
        return run("describe_table", caller, deadline, connection -> catalog.describe(connection, ref, table, deadline)
                .orElseThrow(() -> new HyperdException.NoSuchTable(table)));
    }

    @Override
    public Attachment attachDatabase(ClientId caller, Path path, String alias, Instant deadline) throws InterruptedException {
        Attachment attachment = attachments.claim(alias, path);
        try {
            // Borrowing applies the new attachment to the connection: hyperd's error, if any, surfaces here.
            run("attach_database", caller, deadline,
                    connection -> attachments.on(connection).containsKey(attachment.alias()));
            return attachment;
        } catch (RuntimeException | InterruptedException e) {
            attachments.undo(attachment);
            throw e;
        }
    }

    @Override
    public void detachDatabase(ClientId caller, String alias, Instant deadline) throws InterruptedException {
        if (!clock.instant().isBefore(deadline)) {
            throw new HyperdException.DeadlineExceeded("detach_database", Duration.ZERO, null);
        }
        attachments.detach(alias);
        // Close every session, so that hyperd releases the file now rather than when each connection is next
        // borrowed (AttachmentSync). Busy connections close when they are returned.
        pool.evictAll();
    }

    @Override
    public CsvLoadResult loadCsv(ClientId caller, CsvLoad load, Instant deadline) throws InterruptedException {
        TableRef ref = SqlNames.tableOrError(load.table());
        Path file = CsvTableLoader.readable(load.file());
        return run("load_csv", caller, deadline, connection -> csv.load(connection, load, ref, file, deadline));
    }

    /** Closes the pool, then stops hyperd (B-E1); idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        pool.close();
        if (supervisor != null) {
            supervisor.close();
        }
    }

    // ---- one operation ----

    private <T> T run(String operation, ClientId caller, Instant deadline, PooledCall.Work<T> work)
            throws InterruptedException {
        Instant started = clock.instant();
        if (!started.isBefore(deadline)) {
            throw new HyperdException.DeadlineExceeded(operation, Duration.ZERO, null);
        }
        if (supervisor == null) {
            throw new HyperdException.Unavailable(missingReason, null);
        }
        if (closed.get()) {
            throw new HyperdException.Unavailable("the hyperd client is closed (mcpd is shutting down)", null);
        }
        HyperdSupervisor.Running running = supervisor.running(deadline);
        HyperdPool.Generation current = pool.ready(running, deadline);
        return calls.run(operation, caller, current, started, deadline, work);
    }
}
