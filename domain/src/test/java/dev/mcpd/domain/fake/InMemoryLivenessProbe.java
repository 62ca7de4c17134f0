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
    private final Map<Long, Long> parents = new HashMap<>();
    private long nextPid = 10_000;

    /** Makes {@code parent} the parent of {@code child}, for {@link #ancestors}. */
    public synchronized void parent(long child, long parent) {
        parents.put(child, parent);
    }

    @Override
    public synchronized List<Long> ancestors(long pid) {
        List<Long> chain = new ArrayList<>();
        for (Long p = parents.get(pid); p != null && !chain.contains(p); p = parents.get(p)) {
            chain.add(p);
        }
        return List.copyOf(chain);
    }

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
    public ExitWatch onExit(Pid pid, Runnable action) {
        synchronized (this) {
            if (check(pid) == Liveness.ALIVE) {
                Runnable registered = action::run; // a distinct object, so close() removes this registration only
                exitActions.computeIfAbsent(pid.value(), k -> new ArrayList<>()).add(registered);
                return () -> {
                    synchronized (this) {
                        List<Runnable> actions = exitActions.get(pid.value());
                        if (actions != null && actions.remove(registered) && actions.isEmpty()) {
                            exitActions.remove(pid.value());
                        }
                    }
                };
            }
        }
        action.run();
        return ExitWatch.NONE;
    }

    /** How many exit actions are registered and not yet run or withdrawn. */
    public synchronized int watches() {
        return exitActions.values().stream().mapToInt(List::size).sum();
    }
}
