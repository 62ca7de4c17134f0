package dev.mcpd.application.daemon;

import static java.util.Objects.requireNonNull;

import dev.mcpd.domain.port.Engine;
import dev.mcpd.domain.port.Transport;
import dev.mcpd.domain.time.Ticker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one ordered shutdown path every stop takes (B-E1): stop accepting; let calls in flight finish for a short drain,
 * then answer the rest with an error; send the answers for a bounded time; close every connection; close engines in
 * reverse order; record the exit and remove the daemon's own record. The {@link ShutdownWatchdog} armed first bounds
 * the whole path by the grace period (B-E2), and no step writes to a client synchronously (review finding 2).
 */
final class ShutdownSequence {

    private static final Logger log = LoggerFactory.getLogger(ShutdownSequence.class);
    /** How long calls in flight may still finish on their own before they are answered with an error (B-E1). */
    private static final Duration DRAIN = Duration.ofMillis(250);
    /** The longest the cancelled calls' {@code -32002} answers may take to reach their clients (B-E1). */
    private static final Duration ANSWER_FLUSH = Duration.ofMillis(500);
    /** Stands for "no deadline" when engines are closed after a failed start. */
    private static final Duration NO_DEADLINE = Duration.ofDays(1);

    private final DaemonContext daemon;
    private final ActivityTracker activity;
    private final IntConsumer halt;
    private volatile String step = "not begun";

    /** @param halt the shutdown watchdog's last resort (B-E2), see {@link ShutdownWatchdog} */
    ShutdownSequence(DaemonContext daemon, ActivityTracker activity, IntConsumer halt) {
        this.daemon = requireNonNull(daemon, "daemon is null");
        this.activity = requireNonNull(activity, "activity is null");
        this.halt = requireNonNull(halt, "halt is null");
    }

    /**
     * Runs the shutdown on the calling thread.
     *
     * @return {@link Daemon#EXIT_OK}, or {@link Daemon#EXIT_FORCED} when an engine overran the grace period or the
     *     watchdog force-closed the connections (B-E2)
     */
    int run(ClientConnectionHandler handler, List<Engine> engines) {
        DaemonPorts ports = daemon.ports();
        DaemonStateCoordinator coordinator = daemon.coordinator();
        Ticker ticker = ports.ticker();
        long begun = ticker.nanoTime();
        long deadline = ticker.deadlineAfter(daemon.settings().shutdownGrace());
        new ShutdownWatchdog(daemon, halt, () -> step).arm(Thread.currentThread(), deadline);
        step("stop accepting");
        ports.transports().forEach(Transport::requestStop);
        step("drain calls in flight");
        activity.awaitNoCallsInFlight(DRAIN);
        step("answer and cancel calls in flight");
        handler.answerAndCancelAll();
        step("send the answers");
        Duration left = Duration.ofNanos(ticker.nanosUntil(deadline));
        handler.awaitFlushed(left.compareTo(ANSWER_FLUSH) < 0 ? left : ANSWER_FLUSH);
        step("close every connection");
        ports.transports().forEach(Transport::requestForcefulStop);
        step("close engines");
        boolean clean = closeEngines(engines, ticker, deadline);
        step("record the exit");
        int code = clean && coordinator.state() != DaemonState.FORCE_STOPPING ? Daemon.EXIT_OK : Daemon.EXIT_FORCED;
        ports.state().recordExit(ports.clock().instant() + " pid " + daemon.identity().pid().value() + " exit " + code + ": "
                + coordinator.stopReason());
        // Only the record's writer removes it, in one step with the check (B-S2, B-S5; review finding 22): after an
        // "endpoint lost" another daemon may own it now. Each transport removed the socket file it bound.
        ports.state().removeRecordIfOwnedBy(daemon.identity().pid());
        step("release the lock");
        log.info("daemon stopped ({}) in {} ms{}", coordinator.stopReason(), ticker.since(begun).toMillis(),
                code == Daemon.EXIT_OK ? "" : "; forced: resources were abandoned or connections force-closed (B-E2)");
        return code;
    }

    private void step(String name) {
        step = name;
    }

    /** Closes the engines of a daemon whose start failed, without a deadline. */
    static void closeEngines(List<Engine> engines, Ticker ticker) {
        closeEngines(engines, ticker, ticker.deadlineAfter(NO_DEADLINE));
    }

    /**
     * Closes the engines in reverse start order, each on a virtual thread of its own, waiting for them until the
     * ticker reaches {@code deadlineNanos} (B-E1, B-E2).
     *
     * @return true if every engine closed in time
     */
    private static boolean closeEngines(List<Engine> engines, Ticker ticker, long deadlineNanos) {
        List<Engine> reversed = new ArrayList<>(engines).reversed();
        List<Thread> closers = new ArrayList<>();
        for (Engine engine : reversed) {
            closers.add(Thread.ofVirtual().name("close-" + engine.name()).start(() -> {
                try {
                    engine.close();
                } catch (RuntimeException e) {
                    log.warn("engine {} failed to close", engine.name(), e);
                }
            }));
        }
        boolean clean = true;
        for (Thread closer : closers) {
            try {
                if (!closer.join(Duration.ofNanos(ticker.nanosUntil(deadlineNanos)))) {
                    log.error("{} did not finish within the shutdown grace period (B-E2)", closer.getName());
                    clean = false;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                clean = false;
            }
        }
        return clean;
    }
}
