package dev.mcpd.application.daemon;

import dev.mcpd.domain.port.Connection;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Closes a connection whose first whole line does not arrive within the hello timeout (B-W3, review finding 16). One
 * timer thread serves every connection of the JVM and ends when idle.
 */
final class HelloTimer {

    /** Closes connections whose first line is late (B-W3); its one thread ends when idle. */
    private static final ScheduledThreadPoolExecutor TIMER = timer();

    private final ScheduledFuture<?> pending;
    private final AtomicBoolean timedOut = new AtomicBoolean();

    private HelloTimer(Connection connection, Duration timeout) {
        this.pending = TIMER.schedule(() -> {
            timedOut.set(true);
            connection.close();
        }, timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Starts the timer: {@code connection} is closed after {@code timeout} unless {@link #cancel} came first. */
    static HelloTimer start(Connection connection, Duration timeout) {
        return new HelloTimer(connection, timeout);
    }

    /** Stops the timer; idempotent. */
    void cancel() {
        pending.cancel(false);
    }

    /** @return whether the timer fired and closed the connection */
    boolean timedOut() {
        return timedOut.get();
    }

    private static ScheduledThreadPoolExecutor timer() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1,
                Thread.ofPlatform().name("mcpd-hello-timer").daemon().factory());
        timer.setRemoveOnCancelPolicy(true); // a cancelled timer does not hold its connection until it would fire
        timer.setKeepAliveTime(10, TimeUnit.SECONDS);
        timer.allowCoreThreadTimeOut(true);
        return timer;
    }
}
