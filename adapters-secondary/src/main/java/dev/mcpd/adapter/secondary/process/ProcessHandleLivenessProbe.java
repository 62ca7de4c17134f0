package dev.mcpd.adapter.secondary.process;

import dev.mcpd.domain.model.Pid;
import dev.mcpd.domain.port.LivenessProbe;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@link LivenessProbe} on {@link ProcessHandle}, with two guards the JDK lacks: a pid whose start instant differs
 * is a reused pid, hence dead (B-L2); a zombie (state {@code Z} in {@code /proc/<pid>/stat}) is dead, though
 * {@code ProcessHandle.isAlive()} says otherwise (B-L3).
 */
public final class ProcessHandleLivenessProbe implements LivenessProbe {

    private static final Duration EXIT_POLL = Duration.ofSeconds(1);
    private static final int MAX_ANCESTORS = 256;
    private static final ScheduledExecutorService POLLER = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("liveness-poll").daemon().factory());

    private final Map<Pid, Watcher> watchers = new ConcurrentHashMap<>();

    @Override
    public Optional<Pid> identify(long pid) {
        if (pid <= 0) {
            return Optional.empty();
        }
        return ProcessHandle.of(pid)
                .filter(h -> h.isAlive() && !isZombie(pid))
                .map(h -> new Pid(pid, h.info().startInstant().orElse(null)));
    }

    @Override
    public Liveness check(Pid pid) {
        Optional<ProcessHandle> handle = ProcessHandle.of(pid.value());
        if (handle.isEmpty() || !handle.get().isAlive() || isZombie(pid.value())) {
            return Liveness.DEAD;
        }
        if (pid.startedAt() == null) {
            return Liveness.ALIVE;
        }
        Optional<Instant> start = handle.get().info().startInstant();
        if (start.isEmpty()) {
            return Liveness.UNKNOWN;
        }
        return start.get().equals(pid.startedAt()) ? Liveness.ALIVE : Liveness.DEAD;
    }

    /** {@inheritDoc} Walks {@link ProcessHandle#parent()} (on Linux: the {@code PPid} of {@code /proc/<pid>/stat}). */
    @Override
    public List<Long> ancestors(long pid) {
        List<Long> chain = new ArrayList<>();
        Optional<ProcessHandle> current = ProcessHandle.of(pid).flatMap(ProcessHandle::parent);
        while (current.isPresent() && chain.size() < MAX_ANCESTORS && !chain.contains(current.get().pid())) {
            chain.add(current.get().pid());
            current = current.get().parent();
        }
        return List.copyOf(chain);
    }

    /**
     * {@inheritDoc}
     *
     * <p>One watcher per distinct process, however many clients name it (review finding 4): it holds one JDK
     * {@code onExit} dependent for the process's life and, while at least one watch is open, one 1 Hz poll. The
     * last watch's {@code close()} cancels the poll and drops every action, so a closed connection is never held.
     */
    @Override
    public ExitWatch onExit(Pid pid, Runnable action) {
        if (pid.value() == ProcessHandle.current().pid()) {
            return ExitWatch.NONE; // this process outlives every action it could run (and the JDK refuses to watch it)
        }
        Optional<ProcessHandle> handle = ProcessHandle.of(pid.value());
        if (handle.isEmpty() || check(pid) == Liveness.DEAD) {
            action.run();
            return ExitWatch.NONE;
        }
        Registration registration = new Registration(action);
        while (true) {
            Watcher created = new Watcher(pid);
            Watcher watcher = watchers.putIfAbsent(pid, created);
            if (watcher == null) {
                watcher = created;
                handle.get().onExit().thenRun(watcher::fire);
            }
            if (watcher.add(registration)) {
                Watcher owner = watcher;
                return () -> owner.remove(registration);
            }
            // that watcher has just fired: the process is gone, or a fresh watcher is needed; check again
            if (check(pid) == Liveness.DEAD) {
                action.run();
                return ExitWatch.NONE;
            }
        }
    }

    /** Exit actions registered and neither run nor withdrawn, over every watched process (for tests and status). */
    public int openWatches() {
        return watchers.values().stream().mapToInt(Watcher::size).sum();
    }

    /** Processes polled once a second right now: those with at least one open watch. */
    public int polledProcesses() {
        return (int) watchers.values().stream().filter(Watcher::polling).count();
    }

    /** One registered action; identity matters, so two clients with the same action stay two registrations. */
    private static final class Registration {
        private final Runnable action;

        Registration(Runnable action) {
            this.action = action;
        }
    }

    /** Every open watch of one process; runs them all once when it exits. */
    private final class Watcher {
        private final Pid pid;
        private final Set<Registration> registrations = new LinkedHashSet<>();
        private ScheduledFuture<?> poll;
        private boolean fired;

        Watcher(Pid pid) {
            this.pid = pid;
        }

        synchronized boolean add(Registration registration) {
            if (fired) {
                return false;
            }
            registrations.add(registration);
            if (poll == null) {
                // The JDK takes a zombie that is not our child for alive, so its onExit never fires: a poll once a
                // second catches it (and a reused pid) while anyone is watching (B-L3).
                poll = POLLER.scheduleWithFixedDelay(this::pollOnce, EXIT_POLL.toMillis(), EXIT_POLL.toMillis(),
                        TimeUnit.MILLISECONDS);
            }
            return true;
        }

        synchronized void remove(Registration registration) {
            registrations.remove(registration);
            if (registrations.isEmpty() && poll != null) {
                poll.cancel(false);
                poll = null;
            }
        }

        synchronized int size() {
            return registrations.size();
        }

        synchronized boolean polling() {
            return poll != null;
        }

        private void pollOnce() {
            try {
                if (check(pid) == Liveness.DEAD) {
                    fire();
                }
            } catch (RuntimeException e) {
                // a failing check runs again next period (B-L7)
            }
        }

        void fire() {
            List<Registration> toRun;
            synchronized (this) {
                if (fired) {
                    return;
                }
                fired = true;
                if (poll != null) {
                    poll.cancel(false);
                    poll = null;
                }
                toRun = List.copyOf(registrations);
                registrations.clear();
            }
            watchers.remove(pid, this);
            for (Registration registration : toRun) {
                try {
                    registration.action.run();
                } catch (RuntimeException e) {
                    // one failing action must not keep the others from running
                }
            }
        }
    }

    private static boolean isZombie(long pid) {
        Path stat = Path.of("/proc", Long.toString(pid), "stat");
        try {
            String text = Files.readString(stat);
            int close = text.lastIndexOf(')');
            if (close < 0 || close + 2 >= text.length()) {
                return false;
            }
            char state = text.charAt(close + 2);
            return state == 'Z' || state == 'X';
        } catch (IOException | RuntimeException e) {
            return false; // no /proc (macOS) or the process is gone: ProcessHandle decides
        }
    }
}
