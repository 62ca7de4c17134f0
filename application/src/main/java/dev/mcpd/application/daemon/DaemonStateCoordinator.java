package dev.mcpd.application.daemon;

import static java.util.Objects.requireNonNull;

import dev.mcpd.application.time.ConditionWait;
import dev.mcpd.domain.time.Ticker;
import java.time.Duration;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's one {@link DaemonState}, changed under one lock whose {@link java.util.concurrent.locks.Condition} wakes
 * every waiter on each change (the shape of Gradle's {@code DaemonStateCoordinator}), and the reason of the first stop
 * request (B-E1).
 *
 * <p>Invariants:
 * <ol>
 *   <li>The state only moves forward, in the order of {@link DaemonState}; a transition to an earlier or equal state
 *       is ignored.
 *   <li>The first stop reason is kept; a later request is logged only (B-E1).
 *   <li>Waits with a deadline read it from the injected {@link Ticker}, re-reading it at least every
 *       {@link #TICKER_RECHECK} so that a ticker moved by a test is noticed without a signal.
 * </ol>
 */
final class DaemonStateCoordinator {

    /** The longest a deadline wait goes without re-reading the ticker. */
    static final Duration TICKER_RECHECK = Duration.ofMillis(20);

    private static final Logger log = LoggerFactory.getLogger(DaemonStateCoordinator.class);
    private static final Duration FOREVER = Duration.ofNanos(Long.MAX_VALUE);

    private final Ticker ticker;
    private final ConditionWait changed = new ConditionWait();
    private volatile DaemonState state = DaemonState.STARTING;
    private volatile String stopReason;

    DaemonStateCoordinator(Ticker ticker) {
        this.ticker = requireNonNull(ticker, "ticker is null");
    }

    /** @return the current state; a snapshot */
    DaemonState state() {
        return state;
    }

    /** @return the reason of the first stop request, or null before one */
    String stopReason() {
        return stopReason;
    }

    /**
     * Moves to {@code next} if it is later than the current state.
     *
     * @return the state before the call
     */
    DaemonState advanceTo(DaemonState next) {
        return changed.change(() -> {
            DaemonState before = state;
            if (next.compareTo(before) > 0) {
                state = next;
            }
            return before;
        });
    }

    /**
     * Records a stop request: keeps the first reason and moves to {@link DaemonState#STOP_REQUESTED} (B-E1).
     *
     * @return true for the first request, false when a stop was already requested
     */
    boolean requestStop(String reason) {
        return changed.change(() -> {
            boolean first = stopReason == null;
            if (first) {
                stopReason = reason;
                log.info("stop requested: {}", reason);
            } else {
                log.info("stop requested again ({}) while stopping ({}); the shutdown goes on (B-E1)", reason, stopReason);
            }
            advanceTo(DaemonState.STOP_REQUESTED);
            return first;
        });
    }

    /** Waits, ignoring interrupts (only a stop request ends the daemon), until {@code until} accepts the state. */
    DaemonState awaitUninterruptibly(Predicate<DaemonState> until) {
        while (true) {
            try {
                changed.await(() -> until.test(state), FOREVER);
                return state;
            } catch (InterruptedException e) {
                // ignored: only a state change ends this wait
            }
        }
    }

    /**
     * Waits until {@code until} accepts the state, or the ticker reaches {@code deadlineNanos}.
     *
     * @param deadlineNanos a reading of the injected ticker ({@link Ticker#deadlineAfter})
     * @return the state when the wait ended
     * @throws InterruptedException if the waiting thread is interrupted
     */
    DaemonState awaitUntil(Predicate<DaemonState> until, long deadlineNanos) throws InterruptedException {
        changed.awaitUntil(() -> until.test(state), ticker, deadlineNanos, TICKER_RECHECK);
        return state;
    }

    /**
     * Waits until {@code until} accepts the state, or {@code timeout} of real time has passed (for callers outside the
     * daemon, such as tests and the CLI, which wait on the wall).
     *
     * @return true if the state was reached
     * @throws InterruptedException if the waiting thread is interrupted
     */
    boolean await(Predicate<DaemonState> until, Duration timeout) throws InterruptedException {
        return changed.await(() -> until.test(state), timeout);
    }
}
