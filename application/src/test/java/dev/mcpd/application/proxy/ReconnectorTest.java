package dev.mcpd.application.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mcpd.application.wire.LineReader;
import dev.mcpd.application.wire.PipedConnection;
import dev.mcpd.domain.model.DaemonHello;
import dev.mcpd.domain.model.PeerCredentials;
import dev.mcpd.domain.testing.ManualTicker;
import dev.mcpd.domain.testing.TestTime;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** {@link Reconnector}: the B-G5 loop, its backoff measured on the ticker, and a close that ends it at once. */
class ReconnectorTest {

    private static final Duration ANSWER = TestTime.millis(5_000);
    private static final Duration QUIET = TestTime.millis(150);

    private final ManualTicker ticker = new ManualTicker();
    private final AtomicInteger attempts = new AtomicInteger();
    private final CompletableFuture<DaemonLink> rejoined = new CompletableFuture<>();
    private Reconnector reconnector;

    @AfterEach
    void close() {
        if (reconnector != null) {
            reconnector.close();
        }
    }

    @Test
    @DisplayName("B-G5 each attempt waits its backoff on the ticker; the daemon found is rejoined")
    void attemptsFollowTheBackoffOnTheTicker() throws IOException {
        DaemonLink link = link();
        reconnector = new Reconnector(new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(4)),
                () -> attempts.incrementAndGet() < 3 ? new DaemonFinder.Result.NotReachable("starting")
                        : new DaemonFinder.Result.Found(link),
                found -> rejoined.complete(found), ticker);
        reconnector.start();

        // each `during` also gives the loop time to start its next wait before the ticker moves
        await().during(QUIET).atMost(ANSWER).until(() -> attempts.get() == 0);
        ticker.advance(Duration.ofMillis(999));
        await().during(QUIET).atMost(ANSWER).until(() -> attempts.get() == 0);
        ticker.advance(Duration.ofMillis(1));
        await().during(QUIET).atMost(ANSWER).until(() -> attempts.get() == 1);
        ticker.advance(Duration.ofMillis(1_999));
        await().during(QUIET).atMost(ANSWER).until(() -> attempts.get() == 1);
        ticker.advance(Duration.ofMillis(1));
        await().during(QUIET).atMost(ANSWER).until(() -> attempts.get() == 2);
        ticker.advance(Duration.ofSeconds(4));

        await().atMost(ANSWER).until(rejoined::isDone);
        assertThat(rejoined.join()).isSameAs(link);
        assertThat(attempts.get()).isEqualTo(3);
    }

    @Test
    @DisplayName("B-G1 close ends a loop waiting between attempts at once, with no further attempt")
    void closeEndsAWaitingLoop() {
        reconnector = new Reconnector(new Backoff(Duration.ofHours(1), Duration.ofHours(1)), () -> {
            attempts.incrementAndGet();
            return new DaemonFinder.Result.NotReachable("none");
        }, found -> true, ticker);
        reconnector.start();

        reconnector.close();
        reconnector.start(); // closed: starts nothing
        ticker.advance(Duration.ofHours(2));

        await().during(QUIET).atMost(ANSWER).until(() -> attempts.get() == 0);
    }

    @Test
    @DisplayName("B-W5 a daemon of another build ends the loop without rejoining it, and its link is closed")
    void otherBuildEndsTheLoop() throws IOException {
        DaemonLink old = link();
        reconnector = new Reconnector(new Backoff(Duration.ofMillis(1), Duration.ofMillis(1)), () -> {
            attempts.incrementAndGet();
            return new DaemonFinder.Result.VersionMismatch(old, "1.2.3");
        }, found -> rejoined.complete(found), ticker);
        reconnector.start();
        await().during(QUIET).atMost(ANSWER).until(() -> attempts.get() == 0);
        ticker.advance(Duration.ofMillis(1));

        await().atMost(ANSWER).until(() -> !old.connection().isOpen());
        ticker.advance(Duration.ofSeconds(1));
        await().during(QUIET).atMost(ANSWER).until(() -> attempts.get() == 1);
        assertThat(rejoined).isNotDone();
    }

    @Test
    @DisplayName("Backoff.none() never starts a loop")
    void noBackoffNeverStarts() {
        reconnector = new Reconnector(Backoff.none(), () -> {
            attempts.incrementAndGet();
            return new DaemonFinder.Result.NotReachable("none");
        }, found -> true, ticker);

        reconnector.start();

        await().during(QUIET).atMost(ANSWER).until(() -> attempts.get() == 0);
    }

    private static DaemonLink link() throws IOException {
        PipedConnection connection = new PipedConnection(PeerCredentials.unknown());
        return new DaemonLink(connection, new LineReader(connection.input(), 1 << 20),
                new DaemonHello("0.0.9", DaemonHello.PROTOCOL, 31337, "user:1000"));
    }
}
