package dev.mcpd.adapter.secondary.process;

import dev.mcpd.domain.model.Pid;
import dev.mcpd.domain.port.LivenessProbe;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@link LivenessProbe} on {@link ProcessHandle}, with two guards the JDK lacks: a pid whose start instant differs
 * is a reused pid, hence dead (B-L2); a zombie (state {@code Z} in {@code /proc/<pid>/stat}) is dead, though
 * {@code ProcessHandle.isAlive()} says otherwise (B-L3).
 */
public final class ProcessHandleLivenessProbe implements LivenessProbe {

    private static final Duration EXIT_POLL = Duration.ofSeconds(1);
    private static final ScheduledExecutorService POLLER = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("liveness-poll").daemon().factory());

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

    @Override
    public void onExit(Pid pid, Runnable action) {
        Optional<ProcessHandle> handle = ProcessHandle.of(pid.value());
        if (handle.isEmpty() || check(pid) == Liveness.DEAD) {
            action.run();
            return;
        }
        AtomicBoolean done = new AtomicBoolean();
        Runnable once = () -> {
            if (done.compareAndSet(false, true)) {
                action.run();
            }
        };
        handle.get().onExit().thenRun(once);
        // The JDK takes a zombie that is not our child for alive, so its onExit never fires: a poll once a second
        // catches it (and a reused pid) until the action has run (B-L3).
        ScheduledFuture<?>[] poll = new ScheduledFuture<?>[1];
        poll[0] = POLLER.scheduleWithFixedDelay(() -> {
            try {
                if (done.get()) {
                    poll[0].cancel(false);
                } else if (check(pid) == Liveness.DEAD) {
                    once.run();
                    poll[0].cancel(false);
                }
            } catch (RuntimeException e) {
                // a failing check runs again next period (B-L7)
            }
        }, EXIT_POLL.toMillis(), EXIT_POLL.toMillis(), TimeUnit.MILLISECONDS);
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
