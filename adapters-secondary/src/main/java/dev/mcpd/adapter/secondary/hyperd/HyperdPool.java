package dev.mcpd.adapter.secondary.hyperd;

import static java.util.Objects.requireNonNull;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import dev.mcpd.adapter.secondary.deadline.DeadlineCall;
import dev.mcpd.domain.error.HyperdException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.newsclub.net.unix.AFUNIXSocketFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HikariCP pool of pgjdbc connections to the running hyperd, one pool per hyperd generation (ADR 0007, ADR 0013).
 *
 * <p>Invariants:
 * <ol>
 *   <li>No lock is held across I/O. Each pool's creation is a shared future; every caller waits for it only until its
 *       own deadline.
 *   <li>A borrow waits at most until the caller's deadline ({@link DeadlineCall}); a connection that arrives after the
 *       caller stopped waiting goes straight back to the pool.
 *   <li>Every pool connection goes to hyperd's Unix-domain socket in the supervisor's private 0700 directory
 *       (junixsocket's socket factory; review finding 1, ADR 0013). There is no TCP, so no keepalive to set: a peer
 *       on a Unix socket cannot vanish half-open, and a frozen hyperd is cut off by the socket timeout
 *       ({@link Deadlines}).
 *   <li>A restarted hyperd (new endpoint) gets a new pool; the old one is closed in the background.
 *   <li>{@code main} is attached on each new connection; when another hyperd holds the shared database file (an
 *       in-process proxy of the same scope, B-G4), this process uses a file of its own instead.
 * </ol>
 */
final class HyperdPool implements AutoCloseable {

    /** The user hyperd is started with ({@code --init-user}); it has no password: the socket's directory is the guard. */
    static final String USER = "tableau_internal_user";

    private static final Logger log = LoggerFactory.getLogger(HyperdPool.class);

    /** The pool of one hyperd generation ({@link HyperdSupervisor.Running#generation()}). */
    record Generation(long number, HikariDataSource dataSource, String endpoint) {}

    /** Pool connections running an operation now, and open and free. */
    record Usage(int busy, int idle) {}

    private final PgWireHyperdClientConfig config;
    private final Deadlines deadlines;
    private final AtomicReference<CompletableFuture<Generation>> pool = new AtomicReference<>();
    private final ExecutorService background = Executors.newVirtualThreadPerTaskExecutor();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Path database;

    HyperdPool(PgWireHyperdClientConfig config, Deadlines deadlines) {
        this.config = requireNonNull(config, "config is null");
        this.deadlines = requireNonNull(deadlines, "deadlines is null");
        this.database = config.database().toAbsolutePath();
    }

    /** The database file attached as {@code main}: the configured one, or this process's own (invariant 5). */
    Path database() {
        return database;
    }

    /** The ready pool's counts; zeros while there is none. Never waits. */
    Usage usage() {
        HikariPoolMXBean bean = readyBean();
        return bean == null ? new Usage(0, 0) : new Usage(bean.getActiveConnections(), bean.getIdleConnections());
    }

    /** Closes every idle connection now and every busy one when it is returned (a detach: AttachmentSync). */
    void evictAll() {
        HikariPoolMXBean bean = readyBean();
        if (bean != null) {
            bean.softEvictConnections();
        }
    }

    private HikariPoolMXBean readyBean() {
        CompletableFuture<Generation> current = pool.get();
        if (current == null || !current.isDone() || current.isCompletedExceptionally()) {
            return null;
        }
        return current.join().dataSource().getHikariPoolMXBean();
    }

    /**
     * The pool of {@code running}'s generation, creating it (once, shared) when needed (invariants 1 and 4).
     *
     * @throws HyperdException.DeadlineExceeded when the pool is not ready by {@code deadline}
     * @throws HyperdException.Unavailable when the pool is closed, or its database cannot be created
     * @throws HyperdException.ConnectionLost when hyperd refused the set-up connection
     */
    Generation ready(HyperdSupervisor.Running running, Instant deadline) throws InterruptedException {
        while (true) {
            CompletableFuture<Generation> current = pool.get();
            if (current != null && !current.isDone()) {
                Generation ready = await(current, deadline);
                if (ready.number() >= running.generation()) {
                    return ready;
                }
                continue;
            }
            if (current != null && !current.isCompletedExceptionally() && current.join().number() >= running.generation()) {
                return current.join();
            }
            CompletableFuture<Generation> next = new CompletableFuture<>();
            if (!pool.compareAndSet(current, next)) {
                continue;
            }
            if (closed.get()) {
                next.completeExceptionally(new HyperdException.Unavailable("the hyperd client is closed", null));
            } else {
                background.execute(() -> {
                    try {
                        next.complete(create(running));
                    } catch (RuntimeException | SQLException e) {
                        next.completeExceptionally(e);
                    }
                });
            }
            if (current != null && !current.isCompletedExceptionally()) {
                Generation old = current.join();
                background.execute(() -> old.dataSource().close());
            }
            Generation ready = await(next, deadline);
            if (ready.number() >= running.generation()) {
                return ready;
            }
        }
    }

    /** Invariant 1: waits for a pool that callers share, until this caller's deadline. */
    private Generation await(CompletableFuture<Generation> shared, Instant deadline) throws InterruptedException {
        try {
            return shared.get(deadlines.remainingNanos(deadline), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new HyperdException.DeadlineExceeded("waiting for the connection pool", Duration.ZERO, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof HyperdException hyperd) {
                throw hyperd;
            }
            throw new HyperdException.ConnectionLost("cannot connect to hyperd: " + e.getCause().getMessage(), e.getCause());
        }
    }

    /**
     * Invariant 2: a connection of {@code generation}, borrowed within the deadline.
     *
     * @throws HyperdException.DeadlineExceeded when every connection stayed busy, or hyperd did not answer, until
     *         {@code deadline}
     * @throws HyperdException when the pool could not open a connection ({@link SqlErrors#translate})
     */
    Connection borrow(Generation generation, String operation, Instant started, Instant deadline)
            throws InterruptedException {
        try {
            return DeadlineCall.within("mcpd-hyperd-" + operation, deadline, generation.dataSource()::getConnection,
                    HyperdPool::closeQuietly);
        } catch (TimeoutException e) {
            throw new HyperdException.DeadlineExceeded(operation + " (every connection busy, or hyperd not answering)",
                    deadlines.since(started), e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof SQLException sql) {
                throw SqlErrors.translate(sql, operation, deadlines.since(started), deadlines.passed(deadline));
            }
            throw new HyperdException.ConnectionLost(String.valueOf(cause), cause);
        }
    }

    private Generation create(HyperdSupervisor.Running running) throws SQLException {
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
        return new Generation(running.generation(), new HikariDataSource(hikari), running.descriptor());
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

    /** Closes the pool, waiting up to 3 s for it; idempotent. A pool still being created is closed when it is ready. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        CompletableFuture<Generation> current = pool.getAndSet(null);
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
        background.shutdownNow();
    }

    static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException | RuntimeException e) {
            log.debug("returning a hyperd connection: {}", e.toString());
        }
    }
}
