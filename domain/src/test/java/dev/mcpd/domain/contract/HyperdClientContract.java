package dev.mcpd.domain.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcpd.domain.error.HyperdException;
import dev.mcpd.domain.model.Availability;
import dev.mcpd.domain.model.ClientId;
import dev.mcpd.domain.model.hyperd.HyperdState;
import dev.mcpd.domain.model.hyperd.HyperdStatus;
import dev.mcpd.domain.port.HyperdClient;
import dev.mcpd.domain.testing.TestTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link HyperdClient} passes (B-B3; invariants 1, 3, 4 and 6 of the port). Slow-query, frozen
 * and killed-server behaviour, and the fair share between clients (invariant 7), need a real server and are tested
 * on the adapter itself.
 */
public abstract class HyperdClientContract {

    /** A statement both the client under test and the fake answer with one row holding the number 1. */
    protected static final String SELECT_ONE = "SELECT 1 AS one";

    /** The caller every operation of these tests names. */
    protected static final ClientId CALLER = new ClientId(1);

    protected HyperdClient client;

    /** The client under test; it must answer {@link #SELECT_ONE}. */
    protected abstract HyperdClient newClient() throws Exception;

    @BeforeEach
    void createClient() throws Exception {
        client = newClient();
    }

    @AfterEach
    void closeClient() {
        client.close();
    }

    private static Instant soon() {
        return Instant.now().plus(TestTime.scaled(Duration.ofSeconds(30)));
    }

    @Test
    void answersAQuery() throws Exception {
        assertThat(client.query(CALLER, SELECT_ONE, 10, soon()).rows()).containsExactly(List.of(1L));
    }

    @Test
    void aDeadlineAlreadyPassedFailsAtOnce() {
        long started = System.nanoTime();
        assertThatThrownBy(() -> client.query(CALLER, SELECT_ONE, 1, Instant.now().minusMillis(1)))
                .isInstanceOf(HyperdException.DeadlineExceeded.class);
        assertThatThrownBy(() -> client.execute(CALLER, "CREATE TABLE never (a INT)", Instant.now().minusMillis(1)))
                .isInstanceOf(HyperdException.DeadlineExceeded.class);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(TestTime.scaled(Duration.ofMillis(200)));
    }

    @Test
    void aSqlErrorCarriesTheSqlStateAndTheClientStaysUsable() throws Exception {
        assertThatThrownBy(() -> client.query(CALLER, "SELECT FROM WHERE", 1, soon()))
                .isInstanceOfSatisfying(HyperdException.SqlError.class, e -> assertThat(e.sqlState()).isEqualTo("42601"));
        assertThat(client.query(CALLER, SELECT_ONE, 1, soon()).rows()).hasSize(1);
    }

    @Test
    void statusAndAvailabilityAnswerAtOnce() {
        long started = System.nanoTime();
        HyperdStatus status = client.status();
        client.availability();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(TestTime.scaled(Duration.ofMillis(50)));
        assertThat(status.maxConnections()).isPositive();
        assertThat(status.busyConnections()).isZero();
    }

    @Test
    void unknownTablesAndAliasesAreTypedErrors() {
        assertThatThrownBy(() -> client.describeTable(CALLER, "no_such_table_here", soon()))
                .isInstanceOf(HyperdException.NoSuchTable.class);
        assertThatThrownBy(() -> client.detachDatabase(CALLER, "never_attached", soon()))
                .isInstanceOfSatisfying(HyperdException.SqlError.class, e -> assertThat(e.sqlState()).isEqualTo("3D000"));
    }

    @Test
    void closeIsIdempotent() throws Exception { // invariant 6, B-E1: closed is unavailable; a second close changes nothing
        client.query(CALLER, SELECT_ONE, 1, soon()); // something to release
        client.close();
        Availability closed = client.availability();
        HyperdStatus status = client.status();
        assertThat(closed.isAvailable()).isFalse();
        assertThat(status.state()).isEqualTo(HyperdState.STOPPED);
        assertThat(status.pid()).as("no server runs after close").isNull();
        assertThat(status.busyConnections()).isZero();
        assertThatThrownBy(() -> client.query(CALLER, SELECT_ONE, 1, soon()))
                .isInstanceOf(HyperdException.Unavailable.class);

        assertThatCode(client::close).as("a second close").doesNotThrowAnyException();
        assertThat(client.availability()).isEqualTo(closed);
        assertThat(client.status()).isEqualTo(status);
    }
}
