package dev.mcpd.domain.model.hyperd;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A snapshot of the supervised hyperd and the connection pool, taken without waiting for anything (B-B3).
 *
 * @param state where hyperd is in its life; {@link HyperdState#UNAVAILABLE} when no binary was found
 * @param endpoint where hyperd listens, its Unix-domain socket (ADR 0013), e.g.
 *        {@code tab.domain:///home/u/.local/state/mcpd/x/hyperd/run/4242/domain/.s.PGSQL.1}; {@code null} when not
 *        running
 * @param pid hyperd's process id; {@code null} when not running
 * @param uptime how long the current hyperd has run; {@link Duration#ZERO} when not running
 * @param restarts how many times hyperd was restarted after it exited unexpectedly, over the client's life
 * @param busyConnections pool connections running an operation now
 * @param idleConnections pool connections open and free
 * @param maxConnections the pool's size limit
 * @param binary the hyperd executable in use, or {@code null} when none was found
 * @param database the embedded default database file (alias {@code main})
 * @param attachments user databases attached now, by alias
 * @param lastError why hyperd last exited or failed to start; empty when it never did
 */
public record HyperdStatus(
        HyperdState state,
        String endpoint,
        Long pid,
        Duration uptime,
        int restarts,
        int busyConnections,
        int idleConnections,
        int maxConnections,
        Path binary,
        Path database,
        List<Attachment> attachments,
        String lastError) {

    public HyperdStatus {
        requireNonNull(state, "state is null");
        requireNonNull(uptime, "uptime is null");
        requireNonNull(database, "database is null");
        attachments = List.copyOf(requireNonNull(attachments, "attachments is null"));
        requireNonNull(lastError, "lastError is null");
    }
}
