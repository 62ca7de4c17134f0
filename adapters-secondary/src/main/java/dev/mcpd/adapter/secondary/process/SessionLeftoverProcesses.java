package dev.mcpd.adapter.secondary.process;

import dev.mcpd.domain.model.Availability;
import dev.mcpd.domain.model.Pid;
import dev.mcpd.domain.port.LeftoverProcesses;
import dev.mcpd.domain.port.LivenessProbe;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@link LeftoverProcesses} through Linux sessions: a daemon started by a proxy runs in a session of its own
 * ({@code setsid}, B-S3), so every process its engines start, and theirs, carries the daemon's pid as session id
 * ({@code /proc/<pid>/stat}, field 6) and keeps it after the daemon is SIGKILLed and they are reparented.
 *
 * <p>Guards against taking someone else's processes: nothing is returned while a process with the dead daemon's
 * pid exists (the pid was reused, so the session id may name a new session); only processes that started at or
 * after the dead daemon did are returned; the caller itself is never returned.
 */
public final class SessionLeftoverProcesses implements LeftoverProcesses {

    /** How long SIGKILLed processes are waited for. */
    private static final Duration KILL_WAIT = Duration.ofSeconds(1);

    private final LivenessProbe probe;

    public SessionLeftoverProcesses(LivenessProbe probe) {
        this.probe = probe;
    }

    @Override
    public Availability availability() {
        return Files.isReadable(Path.of("/proc/self/stat")) ? Availability.available()
                : Availability.unavailable("no /proc: leftovers of a killed daemon cannot be found on this platform");
    }

    @Override
    public List<Pid> find(Pid deadDaemon) {
        if (!availability().isAvailable() || ProcessHandle.of(deadDaemon.value()).isPresent()) {
            return List.of();
        }
        long self = ProcessHandle.current().pid();
        List<Pid> leftovers = new ArrayList<>();
        ProcessHandle.allProcesses().forEach(process -> {
            long pid = process.pid();
            if (pid == self || sessionOf(pid).orElse(-1L) != deadDaemon.value()) {
                return;
            }
            Optional<Pid> identified = probe.identify(pid);
            if (identified.isEmpty()) {
                return;
            }
            Instant started = identified.get().startedAt();
            if (deadDaemon.startedAt() != null && (started == null || started.isBefore(deadDaemon.startedAt()))) {
                return;
            }
            leftovers.add(identified.get());
        });
        return List.copyOf(leftovers);
    }

    /**
     * {@inheritDoc} SIGTERM, then up to {@code grace} for them to exit, then SIGKILL for the rest and up to 1 s more;
     * each wait ends as soon as every process has exited ({@link ProcessHandle#onExit()}).
     */
    @Override
    public int stop(List<Pid> processes, Duration grace) {
        for (Pid pid : processes) {
            handle(pid).ifPresent(ProcessHandle::destroy);
        }
        awaitExit(processes, grace);
        for (Pid pid : processes) {
            if (running(pid)) {
                handle(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
        awaitExit(processes, KILL_WAIT);
        return (int) processes.stream().filter(this::running).count();
    }

    /**
     * Waits up to {@code timeout} for every process still running to exit. A zombie that is not our child counts
     * as running for the JDK until its parent reaps it: then the wait lasts its whole timeout, and the caller's
     * {@link #running} check (which takes a zombie for dead, B-L3) decides.
     */
    private void awaitExit(List<Pid> processes, Duration timeout) {
        CompletableFuture<?>[] exits = processes.stream().map(this::handle).flatMap(Optional::stream)
                .map(ProcessHandle::onExit).toArray(CompletableFuture<?>[]::new);
        try {
            CompletableFuture.allOf(exits).get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException | ExecutionException stillRunning) {
            // the caller checks each process
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private boolean running(Pid pid) {
        return probe.check(pid) == LivenessProbe.Liveness.ALIVE;
    }

    /** The process, only if it is still the one identified (not a reused pid). */
    private Optional<ProcessHandle> handle(Pid pid) {
        return running(pid) ? ProcessHandle.of(pid.value()) : Optional.empty();
    }

    private static Optional<Long> sessionOf(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // after "pid (comm) ": state ppid pgrp session ...
            return Optional.of(Long.parseLong(fields[3]));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
