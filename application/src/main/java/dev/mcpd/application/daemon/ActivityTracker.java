package dev.mcpd.application.daemon;

import dev.mcpd.domain.port.ClientRegistry;
import java.time.Clock;
import java.time.Instant;

/**
 * Remembers since when the daemon has had no clients and no calls in flight (B-L4): the instant the registry
 * last became empty, or the start of the daemon.
 */
public final class ActivityTracker {

    private final ClientRegistry registry;
    private final Clock clock;
    private volatile Instant idleSince;

    public ActivityTracker(ClientRegistry registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
        this.idleSince = clock.instant();
    }

    /** Called after a client was removed. */
    public void clientLeft() {
        if (registry.size() == 0) {
            idleSince = clock.instant();
        }
    }

    /** Since when the daemon is idle, or {@code null} when it has clients or calls now. */
    public Instant idleSince() {
        return registry.size() == 0 && registry.inFlightCalls() == 0 ? idleSince : null;
    }
}
