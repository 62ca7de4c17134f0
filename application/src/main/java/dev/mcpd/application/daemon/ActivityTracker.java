package dev.mcpd.application.daemon;

import dev.mcpd.application.time.ConditionWait;
import dev.mcpd.domain.port.ClientRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Remembers since when the daemon has had no clients and no calls in flight (B-L4): the instant the registry
 * last became empty, or the start of the daemon. It is also told when the registry's in-flight count may have
 * dropped, so that the shutdown's drain waits on a {@link ConditionWait} instead of polling (B-E1).
 */
public final class ActivityTracker {

    private final ClientRegistry registry;
    private final Clock clock;
    private final ConditionWait callsMayHaveEnded = new ConditionWait();
    private volatile Instant idleSince;

    public ActivityTracker(ClientRegistry registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
        this.idleSince = clock.instant();
    }

    /** Called after a client was removed; its calls left the in-flight count with it. */
    public void clientLeft() {
        if (registry.size() == 0) {
            idleSince = clock.instant();
        }
        callsMayHaveEnded.signalAll();
    }

    /** Called after the registry was told a call finished ({@link ClientRegistry#callFinished}). */
    public void callFinished() {
        callsMayHaveEnded.signalAll();
    }

    /** Since when the daemon is idle, or {@code null} when it has clients or calls now. */
    public Instant idleSince() {
        return registry.size() == 0 && registry.inFlightCalls() == 0 ? idleSince : null;
    }

    /**
     * Waits until the registry counts no call in flight, woken by {@link #callFinished} and {@link #clientLeft}
     * (the shutdown's drain, B-E1).
     *
     * @param timeout the longest to wait
     * @return true if no call is in flight; false when {@code timeout} passed first or the thread was interrupted
     *     (its interrupt status is then set again)
     */
    public boolean awaitNoCallsInFlight(Duration timeout) {
        try {
            return callsMayHaveEnded.await(() -> registry.inFlightCalls() == 0, timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
