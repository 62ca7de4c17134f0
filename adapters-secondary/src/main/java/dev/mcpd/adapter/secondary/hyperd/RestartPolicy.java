package dev.mcpd.adapter.secondary.hyperd;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * How often hyperd may be restarted (invariant 6 of {@link HyperdSupervisor}, B-E3): at most {@link #MAX_RESTARTS}
 * times within {@link #RESTART_WINDOW}, a sliding window. Not thread-safe: the supervisor calls it under its lock.
 */
final class RestartPolicy {

    /** The most restarts allowed within {@link #RESTART_WINDOW} (at most 3 a minute). */
    static final int MAX_RESTARTS = 3;

    /** The window of the restart limit. */
    static final Duration RESTART_WINDOW = Duration.ofMinutes(1);

    private final Deque<Instant> restartTimes = new ArrayDeque<>();

    /** Whether one more restart at {@code now} fits the limit; records it when it does. */
    boolean allow(Instant now) {
        while (!restartTimes.isEmpty() && !restartTimes.peekFirst().isAfter(now.minus(RESTART_WINDOW))) {
            restartTimes.removeFirst();
        }
        if (restartTimes.size() >= MAX_RESTARTS) {
            return false;
        }
        restartTimes.addLast(now);
        return true;
    }
}
