package dev.mcpd.adapter.secondary.hyperd;

import static java.util.Objects.requireNonNull;

import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.postgresql.jdbc.PgStatement;

/**
 * An operation's deadline as pgjdbc timeouts (ADR 0007): each statement's timeout is the time left, so that a
 * statement past its deadline gets a cancel request and its connection stays usable; the socket read timeout is the
 * time left plus a grace, so that only a frozen server is cut off by it.
 *
 * @param clock the time source of every deadline
 * @param socketGrace {@link PgWireHyperdClientConfig#socketGrace()}
 */
record Deadlines(Clock clock, Duration socketGrace) {

    Deadlines {
        requireNonNull(clock, "clock is null");
        requireNonNull(socketGrace, "socketGrace is null");
    }

    /** The time from {@code started} to now. */
    Duration since(Instant started) {
        return Duration.between(started, clock.instant());
    }

    /** Whether {@code deadline} is now or past. */
    boolean passed(Instant deadline) {
        return !clock.instant().isBefore(deadline);
    }

    /** The time left until {@code deadline}, in nanoseconds; 0 when it has passed. */
    long remainingNanos(Instant deadline) {
        return Math.max(0, Duration.between(clock.instant(), deadline).toNanos());
    }

    /**
     * Sets {@code statement}'s timeout to the time left.
     *
     * @throws SQLException with SQLSTATE {@code 57014} (query cancelled) when {@code deadline} has passed
     */
    void bound(Statement statement, Instant deadline) throws SQLException {
        long millis = Duration.between(clock.instant(), deadline).toMillis();
        if (millis <= 0) {
            throw new SQLException("deadline passed", "57014");
        }
        statement.unwrap(PgStatement.class).setQueryTimeoutMs(millis);
    }

    /** The socket read timeout for an operation ending at {@code deadline}, in milliseconds: the time left plus grace. */
    int socketTimeoutMillis(Instant deadline) {
        long millis = Duration.between(clock.instant(), deadline).plus(socketGrace).toMillis();
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, millis));
    }
}
