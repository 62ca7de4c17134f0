package dev.mcpd.adapter.secondary.hyperd;

import static java.util.Objects.requireNonNull;

import dev.mcpd.domain.error.HyperdException;
import dev.mcpd.domain.model.ClientId;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import org.postgresql.jdbc.PgConnection;

/**
 * One operation on a pool connection of its own (invariants 2 and 3 of {@link PgWireHyperdClient}): the caller's turn
 * ({@link FairConnectionGate}), a borrowed connection ({@link HyperdPool#borrow}) with the deadline's socket timeout
 * ({@link Deadlines}) and the attachments wanted now ({@link AttachmentSync}), the work, and its errors as typed
 * {@link HyperdException}s. The connection goes back to the pool afterwards, whatever happened.
 */
final class PooledCall {

    /** The gate's key for every caller without a client id (a proxy serving its one host in-process). */
    private static final Object IN_PROCESS = "in-process";

    /** What an operation does with its connection. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection connection) throws SQLException, IOException;
    }

    private final HyperdPool pool;
    private final FairConnectionGate gate;
    private final AttachmentSync attachments;
    private final Deadlines deadlines;

    PooledCall(HyperdPool pool, FairConnectionGate gate, AttachmentSync attachments, Deadlines deadlines) {
        this.pool = requireNonNull(pool, "pool is null");
        this.gate = requireNonNull(gate, "gate is null");
        this.attachments = requireNonNull(attachments, "attachments is null");
        this.deadlines = requireNonNull(deadlines, "deadlines is null");
    }

    /**
     * Runs {@code work} on a connection of {@code generation} for {@code caller}.
     *
     * @param caller the client whose turn it is; {@code null} for the one host of an in-process proxy
     * @param started when the operation started, for the time it waited
     * @throws HyperdException.DeadlineExceeded when no turn or connection came by {@code deadline}, or the statement
     *         ran past it
     * @throws HyperdException.SqlError for hyperd's SQL errors; {@code 58030} when a file could not be read,
     *         {@code 22023} for an argument the work refused
     * @throws HyperdException.ConnectionLost when the connection broke before the deadline
     * @throws InterruptedException when the caller was interrupted; a running statement is cancelled on the server
     */
    <T> T run(String operation, ClientId caller, HyperdPool.Generation generation, Instant started, Instant deadline,
            Work<T> work) throws InterruptedException {
        try (FairConnectionGate.Lease lease = turn(caller, operation, started, deadline)) {
            return onConnection(operation, generation, started, deadline, work);
        }
    }

    /** Waits for this caller's turn at a connection, until the deadline. */
    private FairConnectionGate.Lease turn(ClientId caller, String operation, Instant started, Instant deadline)
            throws InterruptedException {
        Object key = caller == null ? IN_PROCESS : caller;
        FairConnectionGate.Lease lease = gate.acquire(key, deadlines.remainingNanos(deadline));
        if (lease == null) {
            throw new HyperdException.DeadlineExceeded(operation + " (waited for a connection: every one was busy; "
                    + (caller == null ? "this host" : caller) + " holds " + gate.heldBy(key) + " of "
                    + gate.permits() + ")", deadlines.since(started), null);
        }
        return lease;
    }

    private <T> T onConnection(String operation, HyperdPool.Generation generation, Instant started, Instant deadline,
            Work<T> work) throws InterruptedException {
        Connection connection = pool.borrow(generation, operation, started, deadline);
        PgConnection physical = null;
        try {
            physical = connection.unwrap(PgConnection.class);
            connection.setNetworkTimeout(Runnable::run, deadlines.socketTimeoutMillis(deadline));
            attachments.sync(connection, deadline);
            return work.run(connection);
        } catch (SQLException e) {
            if (Thread.interrupted()) {
                throw CancelRequest.send(physical, operation, e);
            }
            throw SqlErrors.translate(e, operation, deadlines.since(started), deadlines.passed(deadline));
        } catch (IOException e) {
            throw new HyperdException.SqlError("58030", "cannot read the file: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new HyperdException.SqlError("22023", e.getMessage(), e);
        } finally {
            HyperdPool.closeQuietly(connection);
        }
    }
}
