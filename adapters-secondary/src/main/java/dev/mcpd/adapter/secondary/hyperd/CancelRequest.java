package dev.mcpd.adapter.secondary.hyperd;

import java.sql.SQLException;
import org.postgresql.jdbc.PgConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops the statement of a caller that was interrupted (an MCP cancellation, B-M7). The JDK closed the connection's
 * socket under the blocked read, but hyperd goes on computing a statement whose client vanished (measured: two cores
 * busy a second later). A PostgreSQL CancelRequest (protocol section 53.2.7, on a new connection, bounded by
 * {@code cancelSignalTimeout}) stops it. It goes through the query executor, since the connection itself now counts
 * as closed.
 */
final class CancelRequest {

    private static final Logger log = LoggerFactory.getLogger(CancelRequest.class);

    private CancelRequest() {}

    /**
     * Sends hyperd a cancel request for {@code physical}'s statement, best effort (a failure is logged).
     *
     * @param physical the connection whose statement was interrupted; {@code null} when it was never unwrapped
     * @param cause the error the interrupted statement ended with
     * @return the {@link InterruptedException} for the caller to throw, caused by {@code cause}
     */
    static InterruptedException send(PgConnection physical, String operation, SQLException cause) {
        if (physical != null) {
            try {
                physical.getQueryExecutor().sendQueryCancel();
                log.debug("{} was cancelled; sent hyperd a cancel request for it", operation);
            } catch (SQLException | RuntimeException e) {
                log.info("{} was cancelled, but hyperd could not be asked to stop it: {}", operation, e.toString());
            }
        }
        InterruptedException interrupted = new InterruptedException(operation + " was cancelled");
        interrupted.initCause(cause);
        return interrupted;
    }
}
