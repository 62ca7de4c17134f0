package dev.mcpd.domain.error;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * A hyperd operation failed (B-B3, B-B4). The subtypes are closed, so that a caller answers each in an exhaustive
 * {@code switch}:
 * <ul>
 *   <li>{@link SqlError}: the server refused the statement; carries the SQLSTATE and the server's own message;
 *   <li>{@link NoSuchTable}: a table named by a tool (not by free SQL) does not exist;
 *   <li>{@link Unavailable}: no hyperd to talk to (no binary found, it failed to start, or it was restarted too often);
 *   <li>{@link DeadlineExceeded}: the operation did not finish within its deadline (the statement was cancelled);
 *   <li>{@link ConnectionLost}: the connection broke mid-operation (hyperd died or froze); the next call reconnects.
 * </ul>
 *
 * <p>Like {@link ContainerRuntimeException}, this family stands beside {@link McpdException}, whose permitted
 * subtypes are closed.
 */
public abstract sealed class HyperdException extends RuntimeException
        permits HyperdException.SqlError, HyperdException.NoSuchTable, HyperdException.Unavailable,
                HyperdException.DeadlineExceeded, HyperdException.ConnectionLost {

    private HyperdException(String message, Throwable cause) {
        super(requireNonNull(message, "message is null"), cause);
    }

    /** The server refused the statement. */
    public static final class SqlError extends HyperdException {
        private final String sqlState;
        private final String serverMessage;

        /**
         * @param sqlState the five-character SQLSTATE, e.g. {@code 42P01}; {@code XX000} when the server gave none
         * @param serverMessage the server's message, with its detail and hint lines
         */
        public SqlError(String sqlState, String serverMessage, Throwable cause) {
            super("SQL error " + sqlState + ": " + serverMessage, cause);
            this.sqlState = requireNonNull(sqlState, "sqlState is null");
            this.serverMessage = requireNonNull(serverMessage, "serverMessage is null");
        }

        /** The SQLSTATE, e.g. {@code 42P01} (undefined table). */
        public String sqlState() {
            return sqlState;
        }

        /** The server's message. */
        public String serverMessage() {
            return serverMessage;
        }
    }

    /** A table named by a tool argument does not exist. */
    public static final class NoSuchTable extends HyperdException {
        private final String table;

        public NoSuchTable(String table) {
            super("no such table '" + table + "'", null);
            this.table = table;
        }

        /** The table as it was named. */
        public String table() {
            return table;
        }
    }

    /** There is no hyperd to talk to; the message says why and what to do. */
    public static final class Unavailable extends HyperdException {
        public Unavailable(String reason, Throwable cause) {
            super(reason, cause);
        }
    }

    /** The operation ran out of time; the statement was cancelled and the connection stays usable. */
    public static final class DeadlineExceeded extends HyperdException {
        private final String operation;
        private final Duration waited;

        public DeadlineExceeded(String operation, Duration waited, Throwable cause) {
            super("hyperd did not finish " + operation + " within " + Math.max(0, waited.toMillis()) + " ms", cause);
            this.operation = requireNonNull(operation, "operation is null");
            this.waited = requireNonNull(waited, "waited is null");
        }

        /** The operation that ran out of time, e.g. {@code query}. */
        public String operation() {
            return operation;
        }

        /** How long the caller waited. */
        public Duration waited() {
            return waited;
        }
    }

    /** The connection broke mid-operation; the operation may or may not have taken effect. */
    public static final class ConnectionLost extends HyperdException {
        public ConnectionLost(String detail, Throwable cause) {
            super("lost the connection to hyperd: " + detail, cause);
        }
    }
}
