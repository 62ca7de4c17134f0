package dev.mcpd.adapter.secondary.hyperd;

import dev.mcpd.domain.error.HyperdException;
import java.net.SocketTimeoutException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/** pgjdbc's {@link SQLException}s as the port's typed {@link HyperdException}s, by SQLSTATE (PostgreSQL, Appendix A). */
final class SqlErrors {

    private SqlErrors() {}

    /**
     * The typed error for {@code e}, which {@code operation} met after {@code waited}.
     *
     * @param late whether the operation's deadline had passed when it failed
     * @return {@link HyperdException.DeadlineExceeded} for a statement cancelled (57014) or a connection dropped
     *         (class 08, a socket timeout) past the deadline; {@link HyperdException.ConnectionLost} for a connection
     *         dropped before it; else {@link HyperdException.SqlError} with the server's SQLSTATE ({@code XX000} when
     *         there is none), message, detail and hint
     */
    static HyperdException translate(SQLException e, String operation, Duration waited, boolean late) {
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
}
