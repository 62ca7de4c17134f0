package dev.mcpd.adapter.secondary.hyperd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.mcpd.domain.testing.TestTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link FairConnectionGate}'s invariants (B-B3, review finding 12), without a server. */
class FairConnectionGateTest {

    private static final long NOW = 0;
    private static final long LONG = TimeUnit.SECONDS.toNanos(30);

    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

    @AfterEach
    void stop() {
        threads.shutdownNow();
    }

    @Test
    void oneClientNeverHoldsEveryConnection() throws Exception {
        FairConnectionGate gate = new FairConnectionGate(8, FairConnectionGate.capFor(8));
        List<FairConnectionGate.Lease> a = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            a.add(gate.acquire("A", NOW));
        }
        assertThat(a).doesNotContainNull();
        assertThat(gate.acquire("A", TimeUnit.MILLISECONDS.toNanos(20))).as("an 8th for A").isNull();
        assertThat(gate.waiting()).as("a waiter that timed out leaves the queue").isZero();
        FairConnectionGate.Lease b = gate.acquire("B", NOW);
        assertThat(b).as("the connection kept for other clients").isNotNull();
        assertThat(gate.acquire("C", TimeUnit.MILLISECONDS.toNanos(20))).as("the pool is full").isNull();
        b.close();
        b.close(); // returned once only
        assertThat(gate.acquire("C", NOW)).isNotNull();
        assertThat(gate.heldBy("A")).isEqualTo(7);
    }

    @Test
    void aFreeConnectionGoesToTheWaitingClientHoldingFewestNotToTheLongestQueue() throws Exception {
        FairConnectionGate gate = new FairConnectionGate(3, 2);
        FairConnectionGate.Lease a1 = gate.acquire("A", NOW);
        FairConnectionGate.Lease a2 = gate.acquire("A", NOW);
        FairConnectionGate.Lease b1 = gate.acquire("B", NOW);
        CompletableFuture<FairConnectionGate.Lease> aWaits1 = waitFor(gate, "A");
        awaitWaiting(gate, 1);
        CompletableFuture<FairConnectionGate.Lease> aWaits2 = waitFor(gate, "A");
        awaitWaiting(gate, 2);
        CompletableFuture<FairConnectionGate.Lease> cWaits = waitFor(gate, "C");
        awaitWaiting(gate, 3);

        a1.close(); // A holds 1, C holds 0: C first, although both of A's waiters came before it
        assertThat(cWaits.get(5, TimeUnit.SECONDS)).isNotNull();
        assertThat(aWaits1).isNotDone();

        b1.close(); // A holds 1, C holds 1: a tie, so the oldest waiter, A's first
        assertThat(aWaits1.get(5, TimeUnit.SECONDS)).isNotNull();
        assertThat(aWaits2).isNotDone();

        a2.close(); // A holds 1 again, below its cap of 2: its second waiter
        assertThat(aWaits2.get(5, TimeUnit.SECONDS)).isNotNull();
        assertThat(gate.heldBy("A")).isEqualTo(2);
        assertThat(gate.waiting()).isZero();
    }

    @Test
    void anInterruptedWaiterTakesNothingWithIt() throws Exception {
        FairConnectionGate gate = new FairConnectionGate(1, 1);
        FairConnectionGate.Lease held = gate.acquire("A", NOW);
        Thread[] waiter = new Thread[1];
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        waiter[0] = Thread.ofVirtual().start(() -> {
            try {
                gate.acquire("B", LONG);
                outcome.complete(null);
            } catch (InterruptedException e) {
                outcome.complete(e);
            }
        });
        awaitWaiting(gate, 1);
        waiter[0].interrupt();
        assertThat(outcome.get(5, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
        assertThat(gate.waiting()).isZero();
        held.close();
        assertThat(gate.acquire("C", NOW)).as("the permit went back, not to the interrupted waiter").isNotNull();
        assertThat(gate.heldBy("B")).isZero();
    }

    @Test
    void refusesACapAboveThePool() {
        assertThatThrownBy(() -> new FairConnectionGate(2, 3)).isInstanceOf(IllegalArgumentException.class);
        assertThat(FairConnectionGate.capFor(1)).isEqualTo(1);
        assertThat(FairConnectionGate.capFor(8)).isEqualTo(7);
    }

    private CompletableFuture<FairConnectionGate.Lease> waitFor(FairConnectionGate gate, String client) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return gate.acquire(client, LONG);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }, threads);
    }

    private static void awaitWaiting(FairConnectionGate gate, int waiting) {
        await().atMost(TestTime.scaled(Duration.ofSeconds(5))).until(() -> gate.waiting() == waiting);
    }
}
