package dev.mcpd.domain.fake;

import dev.mcpd.domain.model.Pid;
import dev.mcpd.domain.port.LivenessProbe;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A {@link LivenessProbe} over a table of pretend processes that a test starts and kills. */
public final class InMemoryLivenessProbe implements LivenessProbe {

    private final Map<Long, Instant> running = new HashMap<>();
    private final Map<Long, List<Runnable>> exitActions = new HashMap<>();
    private long nextPid = 10_000;

    /** Starts a pretend process and returns its pid. */
    public synchronized long start(Instant startedAt) {
        long pid = nextPid++;
        running.put(pid, startedAt);
        return pid;
    }

    /** Ends a pretend process and runs its exit actions. */
    public void kill(long pid) {
        List<Runnable> actions;
        synchronized (this) {
            running.remove(pid);
            actions = exitActions.remove(pid);
        }
        if (actions != null) {
            actions.forEach(Runnable::run);
        }
    }

    @Override
    public synchronized Optional<Pid> identify(long pid) {
        Instant start = running.get(pid);
        return start == null ? Optional.empty() : Optional.of(new Pid(pid, start));
    }

    @Override
    public synchronized Liveness check(Pid pid) {
        Instant start = running.get(pid.value());
        if (start == null) {
            return Liveness.DEAD;
        }
        return pid.startedAt() == null || pid.startedAt().equals(start) ? Liveness.ALIVE : Liveness.DEAD;
    }

    @Override
    public void onExit(Pid pid, Runnable action) {
        synchronized (this) {
            if (check(pid) == Liveness.ALIVE) {
                exitActions.computeIfAbsent(pid.value(), k -> new ArrayList<>()).add(action);
                return;
            }
        }
        action.run();
    }
}
