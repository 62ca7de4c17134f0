package dev.mcpd.application.proxy;

import static java.util.Objects.requireNonNull;

import dev.mcpd.application.concurrent.Guard;
import dev.mcpd.domain.time.Ticker;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * B-G5: after a daemon loss, one background thread finds (or launches) a daemon again, waiting {@link Backoff} between
 * attempts, until a {@link Rejoin} succeeds, the daemon turns out to be of another build (B-W5), or the proxy closes.
 * The waits are on a {@link Condition} that {@link #close} signals: closing ends a waiting loop at once.
 */
final class Reconnector {

    /** Moves the session to a daemon that was found. */
    @FunctionalInterface
    interface Rejoin {
        /**
         * @return true when done (moved, or the proxy is closing); false when this daemon failed and another try is due
         * @throws IOException when talking to the daemon failed; another try is due
         */
        boolean rejoin(DaemonLink found) throws IOException, InterruptedException;
    }

    private static final Logger log = LoggerFactory.getLogger(Reconnector.class);

    private final Backoff backoff;
    private final Supplier<DaemonFinder.Result> daemon;
    private final Rejoin rejoin;
    private final Ticker ticker;
    private final Guard guard = new Guard();
    private final Condition closedSignal = guard.newCondition();
    private Thread running;
    private boolean closed;

    /**
     * @param backoff the waits between attempts; the first comes before the first attempt
     * @param daemon finds or starts the daemon
     * @param rejoin moves the session to a daemon found
     * @param ticker measures the waits
     */
    Reconnector(Backoff backoff, Supplier<DaemonFinder.Result> daemon, Rejoin rejoin, Ticker ticker) {
        this.backoff = requireNonNull(backoff, "backoff is null");
        this.daemon = requireNonNull(daemon, "daemon is null");
        this.rejoin = requireNonNull(rejoin, "rejoin is null");
        this.ticker = requireNonNull(ticker, "ticker is null");
    }

    /** Starts the reconnect loop, unless one runs, the backoff is {@link Backoff#none()} or this was closed. */
    void start() {
        guard.run(() -> {
            if (running == null && !closed && backoff.enabled()) {
                running = Thread.ofVirtual().name("daemon-reconnect").start(this::loop);
            }
        });
    }

    /**
     * The running loop has moved the session (called from its {@link Rejoin}): a loss of the new link starts a new
     * loop rather than count on this one, which is about to end.
     */
    void release() {
        guard.run(() -> running = null);
    }

    /** Stops reconnecting: a loop waiting between attempts ends at once, and none starts again. Never blocks. */
    void close() {
        guard.run(() -> {
            closed = true;
            closedSignal.signalAll();
        });
    }

    private void loop() {
        Duration delay = backoff.initial();
        try {
            while (pause(delay)) {
                try {
                    switch (daemon.get()) {
                        case DaemonFinder.Result.Found(DaemonLink found) -> {
                            if (rejoin.rejoin(found)) {
                                return;
                            }
                        }
                        case DaemonFinder.Result.VersionMismatch mismatch -> {
                            mismatch.link().connection().close();
                            log.info("not reconnecting: the daemon is now version {} (B-W5)", mismatch.hello().version());
                            return;
                        }
                        case DaemonFinder.Result.NotReachable(String reason) -> log.debug("reconnect: {}", reason);
                    }
                } catch (IOException | RuntimeException e) {
                    log.debug("reconnect attempt failed: {}", e.toString());
                }
                delay = backoff.next(delay);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            Thread me = Thread.currentThread();
            guard.run(() -> {
                if (running == me) {
                    running = null;
                }
            });
        }
    }

    /** Waits {@code delay}, or less when closed. @return false when closed */
    private boolean pause(Duration delay) throws InterruptedException {
        return !guard.awaitUntil(closedSignal, () -> closed, ticker, ticker.deadlineAfter(delay));
    }
}
