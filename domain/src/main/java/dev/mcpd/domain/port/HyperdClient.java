package dev.mcpd.domain.port;

import dev.mcpd.domain.error.HyperdException;
import dev.mcpd.domain.model.Availability;
import dev.mcpd.domain.model.ClientId;
import dev.mcpd.domain.model.hyperd.Attachment;
import dev.mcpd.domain.model.hyperd.CsvLoad;
import dev.mcpd.domain.model.hyperd.CsvLoadResult;
import dev.mcpd.domain.model.hyperd.HyperdStatus;
import dev.mcpd.domain.model.hyperd.QueryResult;
import dev.mcpd.domain.model.hyperd.TableDescription;
import dev.mcpd.domain.model.hyperd.TableRef;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * SQL over a Tableau Hyper database server (hyperd) through the PostgreSQL v3 wire protocol (B-B3).
 *
 * <p>The embedded default database is attached as {@code main}; user {@code .hyper} files are attached under their
 * own alias and stay attached for every later operation (on every connection) until detached. While only
 * {@code main} is attached, unqualified table names resolve in it; with more, name tables {@code alias.schema.table}.
 *
 * <p>Invariants, checked by {@code HyperdClientContract}:
 * <ol>
 *   <li>Every operation takes a deadline and returns or throws by it (give or take a scheduling delay and a
 *       cancellation round trip); a deadline already passed fails at once with
 *       {@link HyperdException.DeadlineExceeded}. A statement cut off by its deadline is cancelled and its
 *       connection stays usable.
 *   <li>There is no lock across operations: operations run concurrently, each on its own connection, and one that
 *       stalls (a slow query, a frozen server) never delays another beyond its own deadline.
 *   <li>{@link #status()} and {@link #availability()} never wait for a busy connection or for I/O.
 *   <li>A SQL error is {@link HyperdException.SqlError} with the server's SQLSTATE and message; the connection stays
 *       usable.
 *   <li>A lost connection fails the operation in progress with {@link HyperdException.ConnectionLost} (or
 *       {@link HyperdException.DeadlineExceeded} when the server froze); the next operation connects afresh (B-B4).
 *   <li>{@link #close()} closes every connection (and stops a hyperd the client started) and is idempotent (B-E1):
 *       afterwards the client is unavailable, its status says {@code stopped}, and every operation fails with
 *       {@link HyperdException.Unavailable}.
 *   <li>Fair share (B-B3, review finding 12): every operation names its calling client. No client holds every
 *       connection: while one client's operations wait for a connection, another client's operation still gets one
 *       within its deadline, and free connections go to waiting clients in turn (FIFO within each client), not to
 *       whichever client queued the most.
 * </ol>
 *
 * <p>{@code caller} is the MCP client the operation serves ({@link CallContext#client()}), or {@code null} for a
 * proxy serving its one host in-process; all {@code null} callers count as one client.
 *
 * <p>Every method that takes a deadline throws {@link HyperdException} (unchecked) as above, and
 * {@link InterruptedException} when the calling thread is interrupted (the tool call was cancelled, B-M7); the
 * statement is then cancelled.
 */
public interface HyperdClient extends AutoCloseable {

    /** Whether SQL can run, without blocking: unavailable when no hyperd binary was found or it failed for good. */
    Availability availability();

    /** A snapshot of hyperd and the pool; never blocks (B-B3). */
    HyperdStatus status();

    /**
     * Runs one read-only statement and returns at most {@code maxRows} rows.
     *
     * @param maxRows the most rows to return, at least 1; more rows set {@link QueryResult#truncated()}
     */
    QueryResult query(ClientId caller, String sql, int maxRows, Instant deadline) throws InterruptedException;

    /**
     * Runs one statement (DDL or DML) and returns the rows it affected: inserted, updated, deleted or copied;
     * 0 for DDL.
     */
    long execute(ClientId caller, String sql, Instant deadline) throws InterruptedException;

    /** Every table of every attached database, {@code main} first, then attachments by alias; each by schema, name. */
    List<TableRef> listTables(ClientId caller, Instant deadline) throws InterruptedException;

    /**
     * The columns of one table.
     *
     * @param table {@code t}, {@code schema.t} or {@code database.schema.t}; unquoted names are case-insensitive as in
     *        SQL, double-quoted parts are taken as written
     * @throws HyperdException.NoSuchTable when there is no such table
     */
    TableDescription describeTable(ClientId caller, String table, Instant deadline) throws InterruptedException;

    /**
     * Attaches a {@code .hyper} file under {@code alias}, for every connection from now on.
     *
     * @param path an existing {@code .hyper} file (made absolute)
     * @param alias a SQL identifier ({@code [A-Za-z_][A-Za-z0-9_]*}), not {@code main} and not already attached
     * @throws HyperdException.SqlError when hyperd cannot open the file or the alias is taken
     */
    Attachment attachDatabase(ClientId caller, Path path, String alias, Instant deadline) throws InterruptedException;

    /**
     * Detaches the database attached as {@code alias}; the file stays as it is.
     *
     * @throws HyperdException.SqlError when nothing is attached as {@code alias} (SQLSTATE {@code 3D000})
     */
    void detachDatabase(ClientId caller, String alias, Instant deadline) throws InterruptedException;

    /** Loads a CSV file into a table with {@code COPY}, creating the table first when needed (see {@link CsvLoad}). */
    CsvLoadResult loadCsv(ClientId caller, CsvLoad load, Instant deadline) throws InterruptedException;

    /** Closes every connection and stops a hyperd this client started; idempotent, never throws (B-E1). */
    @Override
    void close();
}
