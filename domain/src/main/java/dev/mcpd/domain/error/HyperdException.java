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
 * What these share with the container runtime's failures (the error code, a missing name, a deadline miss) is in
 * {@link BackendException}.
 */
public abstract sealed class HyperdException extends BackendException
        permits HyperdException.SqlError, HyperdException.NoSuchTable, HyperdException.Unavailable,
                HyperdException.DeadlineExceeded, HyperdException.ConnectionLost {

    static final String BACKEND = "hyperd";

    private HyperdException(ErrorCode code, String message, Throwable cause) {
        super(code, message, cause);
    }

    private HyperdException(String table) {
        super("table", table);
    }

    private HyperdException(String operation, Duration waited, Throwable cause) {
        super(BACKEND, "finish", operation, waited, cause);
    }

    /** The server refused the statement ({@link ErrorCode#BACKEND_FAILURE}). */
    public static final class SqlError extends HyperdException {
        private final String sqlState;
        private final String serverMessage;

        /**
         * @param sqlState the five-character SQLSTATE, e.g. {@code 42P01}; {@code XX000} when the server gave none
         * @param serverMessage the server's message, with its detail and hint lines
         */
        public SqlError(String sqlState, String serverMessage, Throwable cause) {
            super(ErrorCode.BACKEND_FAILURE, "SQL error " + sqlState + ": " + serverMessage, cause);
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
        public NoSuchTable(String table) {
            super(table);
        }

        /** The table as it was named. */
        public String table() {
            return name();
        }
    }

    /** There is no hyperd to talk to; the message says why and what to do. */
    public static final class Unavailable extends HyperdException {
        public Unavailable(String reason, Throwable cause) {
            super(ErrorCode.BACKEND_UNAVAILABLE, reason, cause);
        }
    }

    /**
     * The operation ran out of time; the statement was cancelled and the connection stays usable. The message is
     * {@code hyperd did not finish <operation> within <N> ms}; {@link #operation()} and {@link #waited()} say which
     * operation and how long.
     */
    public static final class DeadlineExceeded extends HyperdException {
        public DeadlineExceeded(String operation, Duration waited, Throwable cause) {
            super(operation, waited, cause);
        }
    }

    /** The connection broke mid-operation; the operation may or may not have taken effect. */
    public static final class ConnectionLost extends HyperdException {
        public ConnectionLost(String detail, Throwable cause) {
            super(ErrorCode.BACKEND_UNAVAILABLE, "lost the connection to hyperd: " + detail, cause);
        }
    }
}
