package dev.mcpd.adapter.secondary.hyperd;

import static java.util.Objects.requireNonNull;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import dev.mcpd.domain.error.HyperdException;
import dev.mcpd.domain.model.Availability;
import dev.mcpd.domain.model.ClientId;
import dev.mcpd.domain.model.hyperd.Attachment;
import dev.mcpd.domain.model.hyperd.CsvLoad;
import dev.mcpd.domain.model.hyperd.CsvLoadResult;
import dev.mcpd.domain.model.hyperd.HyperdStatus;
import dev.mcpd.domain.model.hyperd.QueryResult;
import dev.mcpd.domain.model.hyperd.SqlColumn;
import dev.mcpd.domain.model.hyperd.TableDescription;
import dev.mcpd.domain.model.hyperd.TableRef;
import dev.mcpd.domain.port.HyperdClient;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.WeakHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.newsclub.net.unix.AFUNIXSocketFactory;
import org.postgresql.jdbc.PgConnection;
import org.postgresql.jdbc.PgStatement;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link HyperdClient} over pgjdbc and a HikariCP pool, to a hyperd that a {@link HyperdSupervisor} runs (B-B3).
 *
 * <p>Design (ADR 0007), as numbered invariants:
 * <ol>
 *   <li>No lock is held across I/O. hyperd's start and each pool's creation are shared futures; every caller waits
 *       for them only until its own deadline.
 *   <li>Each operation borrows its own pool connection (waiting at most until its deadline, its turn given by a
 *       {@link FairConnectionGate}: no client holds more than pool size - 1 connections, and free connections go to
 *       waiting clients in turn; review finding 12), sets the socket read
 *       timeout to the time left plus {@link PgWireHyperdClientConfig#socketGrace()} and the statement timeout to the
 *       time left. A statement past its deadline gets a cancel request and the connection stays usable; a frozen
 *       server is cut off by the socket timeout and that connection is evicted.
 *   <li>Every pool connection goes to hyperd's Unix-domain socket in the supervisor's private 0700 directory
 *       (junixsocket's socket factory; review finding 1, ADR 0013). There is no TCP, so no keepalive to set: a peer
 *       on a Unix socket cannot vanish half-open, and a frozen hyperd is cut off by the socket timeout (invariant 2).
 *   <li>A restarted hyperd (new endpoint) gets a new pool; the old one is closed in the background.
 *   <li>{@code main} is attached on each new connection; user attachments are applied to each connection when it is
 *       borrowed, so every connection sees the same databases. A detach evicts every connection, so that hyperd lets
 *       go of the file.
 *   <li>User SQL runs through the simple query protocol ({@code preferQueryMode=extendedForPrepared}): hyperd
 *       reports wrong row counts in the extended protocol's command tags. {@code query} runs inside
 *       {@code BEGIN READ ONLY}.
 *   <li>{@link #status()} reads counters only; it never borrows a connection.
 * </ol>
 */
public final class PgWireHyperdClient implements HyperdClient {

    /** The user hyperd is started with ({@code --init-user}); it has no password: the socket's directory is the guard. */
    static final String USER = "tableau_internal_user";

    private static final Logger log = LoggerFactory.getLogger(PgWireHyperdClient.class);
    private static final List<String> READ_ONLY_STARTS = List.of("select", "with", "values", "table", "show", "explain");

    /** The gate's key for every caller without a client id (a proxy serving its one host in-process). */
    private static final Object IN_PROCESS = "in-process";

    private record Pool(long generation, HikariDataSource dataSource, String endpoint) {}

    @FunctionalInterface
    private interface Work<T> {
        T run(Connection connection) throws SQLException, IOException;
    }

    private final HyperdSupervisor supervisor;
    private final String missingReason;
    private final PgWireHyperdClientConfig config;
    private final Clock clock;
    private final AtomicReference<CompletableFuture<Pool>> pool = new AtomicReference<>();
    private final FairConnectionGate gate;
    private final ConcurrentSkipListMap<String, Attachment> attachments = new ConcurrentSkipListMap<>();
    private final Map<Object, Map<String, Path>> attachedOn = Collections.synchronizedMap(new WeakHashMap<>());
    private final ExecutorService background = Executors.newVirtualThreadPerTaskExecutor();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Path database;

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
        this.database = config.database().toAbsolutePath();
        this.gate = new FairConnectionGate(config.poolSize(), FairConnectionGate.capFor(config.poolSize()));
    }

    @Override
    public Availability availability() {
        if (supervisor == null) {
            return Availability.unavailable(missingReason);
        }
        if (closed.get()) {
            return Availability.unavailable("the hyperd client is closed (mcpd is shutting down)");
        }
        if ("failed".equals(supervisor.state())) {
            return Availability.unavailable("hyperd is down: " + supervisor.lastError());
        }
        return Availability.available();
    }

    @Override
    public HyperdStatus status() {
        if (supervisor == null) {
            return new HyperdStatus("unavailable", null, null, Duration.ZERO, 0, 0, 0, config.poolSize(), null, database,
                    List.copyOf(attachments.values()), missingReason);
        }
        Optional<HyperdSupervisor.Running> running = supervisor.runningNow();
        int busy = 0;
        int idle = 0;
        CompletableFuture<Pool> current = pool.get();
        if (current != null && current.isDone() && !current.isCompletedExceptionally()) {
            HikariPoolMXBean bean = current.join().dataSource().getHikariPoolMXBean();
            if (bean != null) {
                busy = bean.getActiveConnections();
                idle = bean.getIdleConnections();
            }
        }
        return new HyperdStatus(supervisor.state(),
                running.map(HyperdSupervisor.Running::descriptor).orElse(null),
                running.map(r -> r.process().pid()).orElse(null),
                running.map(r -> Duration.between(r.startedAt(), clock.instant())).orElse(Duration.ZERO),
                supervisor.restarts(), busy, idle, config.poolSize(), supervisor.binary(), database,
                List.copyOf(attachments.values()), supervisor.lastError());
    }

    @Override
    public QueryResult query(ClientId caller, String sql, int maxRows, Instant deadline) throws InterruptedException {
        requireNonNull(sql, "sql is null");
        if (maxRows < 1) {
            throw new IllegalArgumentException("maxRows must be at least 1: " + maxRows);
        }
        String first = firstKeyword(sql);
        if (!READ_ONLY_STARTS.contains(first)) {
            throw new HyperdException.SqlError("25006", "query runs one read-only statement (SELECT, WITH, VALUES, TABLE, "
                    + "SHOW, EXPLAIN); this one starts with '" + first + "': use execute for DDL and DML", null);
        }
        return run("query", caller, deadline, connection -> {
            connection.setAutoCommit(false);
            connection.setReadOnly(true);
            try (Statement statement = connection.createStatement()) {
                timed(statement, deadline);
                statement.setMaxRows(maxRows + 1);
                try (ResultSet rows = statement.executeQuery(sql)) {
                    return read(rows, maxRows);
                }
            } finally {
                rollbackQuietly(connection);
            }
        });
    }

    @Override
    public long execute(ClientId caller, String sql, Instant deadline) throws InterruptedException {
        requireNonNull(sql, "sql is null");
        return run("execute", caller, deadline, connection -> {
            try (Statement statement = connection.createStatement()) {
                timed(statement, deadline);
                boolean resultSet = statement.execute(sql);
                return resultSet ? 0L : Math.max(0L, statement.getLargeUpdateCount());
            }
        });
    }

    @Override
    public List<TableRef> listTables(ClientId caller, Instant deadline) throws InterruptedException {
        return run("list_tables", caller, deadline, connection -> {
            List<TableRef> tables = new ArrayList<>();
            List<String> databases = new ArrayList<>();
            databases.add(SqlNames.MAIN);
            databases.addAll(attachedOn(connection).keySet().stream().sorted().toList());
            for (String db : databases) {
                String catalog = SqlNames.quote(db) + ".pg_catalog.";
                try (PreparedStatement statement = connection.prepareStatement("SELECT n.nspname, c.relname FROM "
                        + catalog + "pg_class c JOIN " + catalog + "pg_namespace n ON c.relnamespace = n.oid "
                        + "WHERE c.relkind IN ('r', 'v') AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_temp') "
                        + "ORDER BY n.nspname, c.relname")) {
                    timed(statement, deadline);
                    try (ResultSet rows = statement.executeQuery()) {
                        while (rows.next()) {
                            tables.add(new TableRef(db, rows.getString(1), rows.getString(2)));
                        }
                    }
                }
            }
            return tables;
        });
    }

    @Override
    public TableDescription describeTable(ClientId caller, String table, Instant deadline) throws InterruptedException {
        TableRef ref = parse(table);
        return run("describe_table", caller, deadline, connection -> describe(connection, ref, table, deadline)
                .orElseThrow(() -> new HyperdException.NoSuchTable(table)));
    }

    @Override
    public Attachment attachDatabase(ClientId caller, Path path, String alias, Instant deadline) throws InterruptedException {
        String name;
        try {
            name = SqlNames.alias(alias);
        } catch (IllegalArgumentException e) {
            throw new HyperdException.SqlError("42602", e.getMessage(), null);
        }
        Path file = path.toAbsolutePath().normalize();
        if (!Files.isRegularFile(file)) {
            throw new HyperdException.SqlError("58P01", "no such file: " + file + " (attach_database opens an existing "
                    + ".hyper file)", null);
        }
        Attachment attachment = new Attachment(name, file);
        Attachment taken = attachments.putIfAbsent(name, attachment);
        if (taken != null) {
            throw new HyperdException.SqlError("42710", "alias '" + name + "' is already attached to " + taken.path()
                    + "; detach it first or choose another alias", null);
        }
        try {
            // Borrowing applies the new attachment to the connection: hyperd's error, if any, surfaces here.
            run("attach_database", caller, deadline, connection -> attachedOn(connection).containsKey(name));
            return attachment;
        } catch (RuntimeException | InterruptedException e) {
            attachments.remove(name, attachment);
            throw e;
        }
    }

    @Override
    public void detachDatabase(ClientId caller, String alias, Instant deadline) throws InterruptedException {
        if (!clock.instant().isBefore(deadline)) {
            throw new HyperdException.DeadlineExceeded("detach_database", Duration.ZERO, null);
        }
        String name = alias.toLowerCase(java.util.Locale.ROOT);
        if (attachments.remove(name) == null) {
            throw new HyperdException.SqlError("3D000", "no database is attached as '" + alias + "'", null);
        }
        // Invariant 5: close every session, so that hyperd releases the file now rather than when each connection is
        // next borrowed. Busy connections close when they are returned.
        CompletableFuture<Pool> current = pool.get();
        if (current != null && current.isDone() && !current.isCompletedExceptionally()) {
            current.join().dataSource().getHikariPoolMXBean().softEvictConnections();
        }
    }

    @Override
    public CsvLoadResult loadCsv(ClientId caller, CsvLoad load, Instant deadline) throws InterruptedException {
        TableRef ref = parse(load.table());
        Path file = load.file().toAbsolutePath().normalize();
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new HyperdException.SqlError("58P01", "no readable file at " + file, null);
        }
        return run("load_csv", caller, deadline, connection -> {
            boolean created = false;
            if (describe(connection, ref, load.table(), deadline).isEmpty()) {
                if (!load.header()) {
                    throw new HyperdException.NoSuchTable(load.table() + " (without a header line load_csv cannot "
                            + "create it: create the table with execute, or load with header: true)");
                }
                List<CsvColumnGuess.Column> columns = CsvColumnGuess.guess(file, load.delimiter());
                StringBuilder ddl = new StringBuilder("CREATE TABLE ").append(SqlNames.qualified(ref)).append(" (");
                for (int i = 0; i < columns.size(); i++) {
                    ddl.append(i == 0 ? "" : ", ").append(SqlNames.quote(columns.get(i).name())).append(' ')
                            .append(columns.get(i).type());
                }
                try (Statement statement = connection.createStatement()) {
                    timed(statement, deadline);
                    statement.execute(ddl.append(')').toString());
                }
                created = true;
            }
            long rows;
            try (Statement statement = connection.createStatement()) {
                timed(statement, deadline);
                rows = statement.executeLargeUpdate("COPY " + SqlNames.qualified(ref) + " FROM "
                        + SqlNames.literal(file.toString()) + " WITH (FORMAT csv, HEADER " + load.header()
                        + ", DELIMITER " + SqlNames.literal(String.valueOf(load.delimiter())) + ")");
            } catch (SQLException e) {
                if (created) {
                    dropQuietly(connection, ref);
                }
                throw e;
            }
            TableDescription description = describe(connection, ref, load.table(), deadline).orElseThrow();
            return new CsvLoadResult(ref, rows, created, description);
        });
    }

    /** Closes the pool, then stops hyperd (B-E1); idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        CompletableFuture<Pool> current = pool.getAndSet(null);
        CompletableFuture<?> poolClosed = CompletableFuture.completedFuture(null);
        if (current != null) {
            poolClosed = current.thenAcceptAsync(p -> p.dataSource().close(), background);
        }
        try {
            poolClosed.get(3, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.debug("closing the hyperd pool: {}", e.toString());
        }
        if (supervisor != null) {
            supervisor.close();
        }
        background.shutdownNow();
    }

    // ---- one operation ----

    private <T> T run(String operation, ClientId caller, Instant deadline, Work<T> work) throws InterruptedException {
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
        Pool current = pool(running, deadline);
        try (FairConnectionGate.Lease lease = turn(caller, operation, started, deadline)) {
            return run(operation, current, started, deadline, work);
        }
    }

    /** Invariant 2: waits for this caller's turn at a connection, until the deadline. */
    private FairConnectionGate.Lease turn(ClientId caller, String operation, Instant started, Instant deadline)
            throws InterruptedException {
        Object key = caller == null ? IN_PROCESS : caller;
        FairConnectionGate.Lease lease = gate.acquire(key, remainingNanos(deadline));
        if (lease == null) {
            throw new HyperdException.DeadlineExceeded(operation + " (waited for a connection: every one was busy; "
                    + (caller == null ? "this host" : caller) + " holds " + gate.heldBy(key) + " of "
                    + config.poolSize() + ")", Duration.between(started, clock.instant()), null);
        }
        return lease;
    }

    private <T> T run(String operation, Pool current, Instant started, Instant deadline, Work<T> work)
            throws InterruptedException {
        Connection connection = borrow(current, operation, started, deadline);
        PgConnection physical = null;
        try {
            physical = connection.unwrap(PgConnection.class);
            connection.setNetworkTimeout(Runnable::run, socketTimeoutMillis(deadline));
            syncAttachments(connection, deadline);
            return work.run(connection);
        } catch (SQLException e) {
            if (Thread.interrupted()) {
                cancelOnServer(physical, operation);
                InterruptedException interrupted = new InterruptedException(operation + " was cancelled");
                interrupted.initCause(e);
                throw interrupted;
            }
            throw translate(e, operation, started, deadline);
        } catch (IOException e) {
            throw new HyperdException.SqlError("58030", "cannot read the file: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new HyperdException.SqlError("22023", e.getMessage(), e);
        } finally {
            closeQuietly(connection);
        }
    }

    /**
     * The caller was interrupted (an MCP cancellation, B-M7): the JDK closed the connection's socket under the
     * blocked read, but hyperd goes on computing a statement whose client vanished (measured: two cores busy a
     * second later). A PostgreSQL CancelRequest (protocol section 53.2.7, on a new connection, bounded by
     * {@code cancelSignalTimeout}) stops it. It goes through the query executor, since the connection itself now
     * counts as closed. Best effort: a failure is logged.
     */
    private static void cancelOnServer(PgConnection physical, String operation) {
        if (physical == null) {
            return;
        }
        try {
            physical.getQueryExecutor().sendQueryCancel();
            log.debug("{} was cancelled; sent hyperd a cancel request for it", operation);
        } catch (SQLException | RuntimeException e) {
            log.info("{} was cancelled, but hyperd could not be asked to stop it: {}", operation, e.toString());
        }
    }

    /** The pool of {@code running}'s generation, creating it (once, shared) when needed (invariants 1 and 4). */
    private Pool pool(HyperdSupervisor.Running running, Instant deadline) throws InterruptedException {
        while (true) {
            CompletableFuture<Pool> current = pool.get();
            if (current != null && !current.isDone()) {
                Pool ready = await(current, deadline, "waiting for the connection pool");
                if (ready.generation() >= running.generation()) {
                    return ready;
                }
                continue;
            }
            if (current != null && !current.isCompletedExceptionally() && current.join().generation() >= running.generation()) {
                return current.join();
            }
            CompletableFuture<Pool> next = new CompletableFuture<>();
            if (!pool.compareAndSet(current, next)) {
                continue;
            }
            if (closed.get()) {
                next.completeExceptionally(new HyperdException.Unavailable("the hyperd client is closed", null));
            } else {
                background.execute(() -> {
                    try {
                        next.complete(createPool(running));
                    } catch (RuntimeException | SQLException e) {
                        next.completeExceptionally(e);
                    }
                });
            }
            if (current != null && !current.isCompletedExceptionally()) {
                Pool old = current.join();
                background.execute(() -> old.dataSource().close());
            }
            Pool ready = await(next, deadline, "waiting for the connection pool");
            if (ready.generation() >= running.generation()) {
                return ready;
            }
        }
    }

    private Pool createPool(HyperdSupervisor.Running running) throws SQLException {
        // The host is a placeholder: junixsocket's factory connects to the socket file whatever the host.
        String url = "jdbc:postgresql://localhost/";
        Properties properties = connectionProperties(running.socket());
        Path db = database;
        try {
            Files.createDirectories(db.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new HyperdException.Unavailable("cannot create " + db.getParent() + ": " + e.getMessage(), e);
        }
        try (Connection setup = DriverManager.getConnection(url, withSocketTimeout(properties, 10));
                Statement statement = setup.createStatement()) {
            statement.execute("CREATE DATABASE IF NOT EXISTS " + SqlNames.quote(db.toString()));
            try {
                statement.execute("ATTACH DATABASE " + SqlNames.quote(db.toString()) + " AS main");
            } catch (SQLException held) {
                // Another hyperd (an in-process proxy of the same scope, B-G4) holds the shared file: use our own.
                Path own = db.resolveSibling("mcpd-" + ProcessHandle.current().pid() + ".hyper");
                log.warn("cannot attach {} ({}); using {} instead", db, held.getMessage(), own);
                statement.execute("CREATE DATABASE IF NOT EXISTS " + SqlNames.quote(own.toString()));
                db = own;
                database = own;
            }
        }
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName("mcpd-hyperd-" + running.generation());
        hikari.setJdbcUrl(url);
        hikari.setUsername(USER);
        hikari.setDataSourceProperties(properties);
        hikari.setConnectionInitSql("ATTACH DATABASE " + SqlNames.quote(db.toString()) + " AS main");
        hikari.setMaximumPoolSize(config.poolSize());
        hikari.setMinimumIdle(Math.min(2, config.poolSize()));
        hikari.setConnectionTimeout(Math.max(250, config.borrowTimeout().toMillis()));
        hikari.setValidationTimeout(1000);
        hikari.setInitializationFailTimeout(-1);
        log.info("hyperd pool {} for {} ({} connections at most, database {})", running.generation(), running.descriptor(),
                config.poolSize(), db);
        return new Pool(running.generation(), new HikariDataSource(hikari), running.descriptor());
    }

    /** Invariant 3: pgjdbc to hyperd's Unix-domain socket {@code socket}. */
    static Properties connectionProperties(Path socket) {
        Properties properties = new Properties();
        properties.setProperty("user", USER);
        properties.setProperty("socketFactory", AFUNIXSocketFactory.FactoryArg.class.getName());
        properties.setProperty("socketFactoryArg", socket.toString());
        properties.setProperty("sslmode", "disable");
        properties.setProperty("preferQueryMode", "extendedForPrepared");
        properties.setProperty("connectTimeout", "5");
        properties.setProperty("loginTimeout", "5");
        // A statement that failed waits for its cancel request to finish; to a frozen server the default of 10 s
        // would add 10 s to every deadline.
        properties.setProperty("cancelSignalTimeout", "1");
        properties.setProperty("ApplicationName", "mcpd");
        return properties;
    }

    private static Properties withSocketTimeout(Properties base, int seconds) {
        Properties properties = new Properties();
        properties.putAll(base);
        properties.setProperty("socketTimeout", String.valueOf(seconds));
        return properties;
    }

    private Connection borrow(Pool current, String operation, Instant started, Instant deadline) throws InterruptedException {
        CompletableFuture<Connection> borrowed = CompletableFuture.supplyAsync(() -> {
            try {
                return current.dataSource().getConnection();
            } catch (SQLException e) {
                throw new CompletionException(e);
            }
        }, background);
        try {
            return borrowed.get(remainingNanos(deadline), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            borrowed.thenAccept(PgWireHyperdClient::closeQuietly);
            throw new HyperdException.DeadlineExceeded(operation + " (every connection busy, or hyperd not answering)",
                    Duration.between(started, clock.instant()), e);
        } catch (InterruptedException e) {
            borrowed.thenAccept(PgWireHyperdClient::closeQuietly);
            throw e;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof SQLException sql) {
                throw translate(sql, operation, started, deadline);
            }
            throw new HyperdException.ConnectionLost(String.valueOf(cause), cause);
        }
    }

    private <T> T await(CompletableFuture<T> future, Instant deadline, String what) throws InterruptedException {
        try {
            return future.get(remainingNanos(deadline), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new HyperdException.DeadlineExceeded(what, Duration.ZERO, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof HyperdException hyperd) {
                throw hyperd;
            }
            throw new HyperdException.ConnectionLost("cannot connect to hyperd: " + e.getCause().getMessage(), e.getCause());
        }
    }

    // ---- attachments ----

    private Map<String, Path> attachedOn(Connection connection) throws SQLException {
        Object physical = connection.unwrap(PgConnection.class);
        return attachedOn.computeIfAbsent(physical, key -> new HashMap<>());
    }

    /** Invariant 5: makes this connection's attachments those wanted now; runs while the connection is ours alone. */
    private void syncAttachments(Connection connection, Instant deadline) throws SQLException {
        Map<String, Path> have = attachedOn(connection);
        for (String alias : List.copyOf(have.keySet())) {
            Attachment wanted = attachments.get(alias);
            if (wanted == null || !wanted.path().equals(have.get(alias))) {
                try (Statement statement = connection.createStatement()) {
                    timed(statement, deadline);
                    statement.execute("DETACH DATABASE " + SqlNames.quote(alias));
                }
                have.remove(alias);
            }
        }
        for (Attachment wanted : attachments.values()) {
            if (!have.containsKey(wanted.alias())) {
                try (Statement statement = connection.createStatement()) {
                    timed(statement, deadline);
                    statement.execute("ATTACH DATABASE " + SqlNames.quote(wanted.path().toString()) + " AS "
                            + SqlNames.quote(wanted.alias()));
                }
                have.put(wanted.alias(), wanted.path());
            }
        }
    }

    // ---- helpers ----

    private Optional<TableDescription> describe(Connection connection, TableRef ref, String asNamed, Instant deadline)
            throws SQLException {
        if (!ref.database().equals(SqlNames.MAIN) && !attachedOn(connection).containsKey(ref.database())) {
            throw new HyperdException.NoSuchTable(asNamed + " (no database is attached as '" + ref.database() + "')");
        }
        String catalog = SqlNames.quote(ref.database()) + ".pg_catalog.";
        try (PreparedStatement statement = connection.prepareStatement("SELECT a.attname, format_type(a.atttypid, "
                + "a.atttypmod), a.attnotnull FROM " + catalog + "pg_attribute a JOIN " + catalog + "pg_class c ON "
                + "a.attrelid = c.oid JOIN " + catalog + "pg_namespace n ON c.relnamespace = n.oid WHERE n.nspname = ? "
                + "AND c.relname = ? AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum")) {
            timed(statement, deadline);
            statement.setString(1, ref.schema());
            statement.setString(2, ref.name());
            List<SqlColumn> columns = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    columns.add(new SqlColumn(rows.getString(1), rows.getString(2), !rows.getBoolean(3)));
                }
            }
            return columns.isEmpty() ? Optional.empty() : Optional.of(new TableDescription(ref, columns));
        }
    }

    private static QueryResult read(ResultSet rows, int maxRows) throws SQLException {
        ResultSetMetaData meta = rows.getMetaData();
        int width = meta.getColumnCount();
        List<SqlColumn> columns = new ArrayList<>(width);
        for (int c = 1; c <= width; c++) {
            columns.add(new SqlColumn(meta.getColumnLabel(c), meta.getColumnTypeName(c), null));
        }
        List<List<Object>> values = new ArrayList<>();
        boolean truncated = false;
        while (rows.next()) {
            if (values.size() == maxRows) {
                truncated = true;
                break;
            }
            List<Object> row = new ArrayList<>(width);
            for (int c = 1; c <= width; c++) {
                row.add(value(rows, meta, c));
            }
            values.add(row);
        }
        return new QueryResult(columns, values, truncated);
    }

    /** A JSON-shaped value (see {@link QueryResult}). */
    private static Object value(ResultSet rows, ResultSetMetaData meta, int column) throws SQLException {
        switch (meta.getColumnType(column)) {
            case Types.SMALLINT, Types.INTEGER, Types.BIGINT, Types.TINYINT -> {
                long value = rows.getLong(column);
                return rows.wasNull() ? null : value;
            }
            case Types.REAL, Types.FLOAT, Types.DOUBLE -> {
                double value = rows.getDouble(column);
                if (rows.wasNull()) {
                    return null;
                }
                return Double.isFinite(value) ? (Object) value : Double.toString(value);
            }
            case Types.NUMERIC, Types.DECIMAL -> {
                BigDecimal value = rows.getBigDecimal(column);
                return value;
            }
            case Types.BOOLEAN, Types.BIT -> {
                boolean value = rows.getBoolean(column);
                return rows.wasNull() ? null : value;
            }
            default -> {
                return rows.getString(column);
            }
        }
    }

    private void timed(Statement statement, Instant deadline) throws SQLException {
        long millis = Duration.between(clock.instant(), deadline).toMillis();
        if (millis <= 0) {
            throw new SQLException("deadline passed", "57014");
        }
        statement.unwrap(PgStatement.class).setQueryTimeoutMs(millis);
    }

    private int socketTimeoutMillis(Instant deadline) {
        long millis = Duration.between(clock.instant(), deadline).plus(config.socketGrace()).toMillis();
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, millis));
    }

    private long remainingNanos(Instant deadline) {
        return Math.max(0, Duration.between(clock.instant(), deadline).toNanos());
    }

    private HyperdException translate(SQLException e, String operation, Instant started, Instant deadline) {
        Duration waited = Duration.between(started, clock.instant());
        boolean late = !clock.instant().isBefore(deadline);
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if ("57014".equals(state) && late) {
            return new HyperdException.DeadlineExceeded(operation + " (the statement was cancelled)", waited, e);
        }
        if (state.startsWith("08") || e instanceof SQLTransientConnectionException || causedBy(e, SocketTimeoutException.class)) {
            return late ? new HyperdException.DeadlineExceeded(operation + " (hyperd did not answer; the connection was "
                    + "dropped)", waited, e) : new HyperdException.ConnectionLost(e.getMessage(), e);
        }
        if (e instanceof PSQLException psql && psql.getServerErrorMessage() != null) {
            ServerErrorMessage server = psql.getServerErrorMessage();
            StringBuilder message = new StringBuilder(String.valueOf(server.getMessage()));
            if (server.getDetail() != null && !server.getDetail().isBlank()) {
                message.append("\nDetail: ").append(server.getDetail().strip());
            }
            if (server.getHint() != null && !server.getHint().isBlank()) {
                message.append("\nHint: ").append(server.getHint().strip());
            }
            return new HyperdException.SqlError(state.isEmpty() ? "XX000" : state, message.toString(), e);
        }
        return new HyperdException.SqlError(state.isEmpty() ? "XX000" : state, String.valueOf(e.getMessage()), e);
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static TableRef parse(String table) {
        try {
            return SqlNames.table(requireNonNull(table, "table is null"));
        } catch (IllegalArgumentException e) {
            throw new HyperdException.SqlError("42602", e.getMessage(), e);
        }
    }

    /** The first word of {@code sql}, lower case, after whitespace, comments and opening parentheses. */
    static String firstKeyword(String sql) {
        int i = 0;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            if (Character.isWhitespace(c) || c == '(') {
                i++;
            } else if (sql.startsWith("--", i)) {
                int end = sql.indexOf('\n', i);
                i = end < 0 ? n : end + 1;
            } else if (sql.startsWith("/*", i)) {
                int end = sql.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
            } else {
                break;
            }
        }
        int start = i;
        while (i < n && Character.isLetter(sql.charAt(i))) {
            i++;
        }
        return sql.substring(start, i).toLowerCase(java.util.Locale.ROOT);
    }

    /** Ends a read-only transaction; on a broken connection the original error is what matters. */
    private static void rollbackQuietly(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            log.debug("rollback after a read-only query: {}", e.getMessage());
        }
    }

    private static void dropQuietly(Connection connection, TableRef ref) {
        try (Statement statement = connection.createStatement()) {
            statement.execute("DROP TABLE IF EXISTS " + SqlNames.qualified(ref));
        } catch (SQLException e) {
            log.debug("dropping {} after a failed load: {}", ref.qualifiedName(), e.getMessage());
        }
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException | RuntimeException e) {
            log.debug("returning a hyperd connection: {}", e.toString());
        }
    }
}
