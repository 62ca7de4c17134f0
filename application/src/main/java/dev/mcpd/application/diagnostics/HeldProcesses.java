package dev.mcpd.application.diagnostics;

import static java.util.Objects.requireNonNull;

import dev.mcpd.application.mcp.Json;
import dev.mcpd.domain.model.ToolResult;
import dev.mcpd.domain.time.Ticker;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The child processes {@code diag_hold_process} started, and their end when the engine closes (B-E1, B-E3); the
 * invariants are {@link DiagnosticsEngine}'s.
 */
final class HeldProcesses {

    private static final Logger log = LoggerFactory.getLogger(HeldProcesses.class);

    private final Set<Process> children = ConcurrentHashMap.newKeySet();
    private final LongFunction<List<String>> holdCommand;
    private final Ticker ticker;
    private volatile boolean closed;

    /**
     * @param holdCommand the command that lives for the given seconds
     * @param ticker measures {@link DiagnosticsEngine#CHILD_TERM_WAIT} at close
     */
    HeldProcesses(LongFunction<List<String>> holdCommand, Ticker ticker) {
        this.holdCommand = requireNonNull(holdCommand, "holdCommand is null");
        this.ticker = requireNonNull(ticker, "ticker is null");
    }

    /** Starts a child that lives {@code seconds}; refused once {@link #close()} has begun (B-E3). */
    ToolResult hold(long seconds) {
        if (closed) {
            return ToolResult.error("the diagnostics engine is closing; no new child process is started");
        }
        Process child;
        try {
            child = new ProcessBuilder(holdCommand.apply(seconds))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            child.getOutputStream().close();
        } catch (IOException e) {
            return ToolResult.error("could not start `sleep " + seconds + "`: " + e.getMessage());
        }
        children.add(child);
        child.onExit().thenRun(() -> children.remove(child));
        if (closed) { // raced with close(): it may not have seen this child (B-E3)
            child.destroyForcibly();
            return ToolResult.error("the diagnostics engine is closing; the child process was killed");
        }
        return ToolResult.structured(Json.object("pid", child.pid()), "holding child process " + child.pid());
    }

    /** The children still running, by pid. */
    List<Long> pids() {
        return children.stream().filter(Process::isAlive).map(Process::pid).sorted().toList();
    }

    /**
     * SIGTERM to every child at once, up to {@code termWait} for them to exit, then SIGKILL for the rest, and waits
     * until they are reaped (B-E1). Idempotent.
     */
    void close(Duration termWait) {
        closed = true;
        List<Process> held = new ArrayList<>(children);
        if (held.isEmpty()) {
            return;
        }
        held.forEach(Process::destroy);
        long deadline = ticker.deadlineAfter(termWait);
        List<Process> stubborn = new ArrayList<>();
        for (Process child : held) {
            if (!waitFor(child, ticker.nanosUntil(deadline))) {
                stubborn.add(child);
            }
        }
        if (!stubborn.isEmpty()) {
            log.warn("{} child process(es) still running {} ms after SIGTERM; killing them", stubborn.size(),
                    termWait.toMillis());
            stubborn.forEach(Process::destroyForcibly);
            stubborn.forEach(child -> waitFor(child, TimeUnit.SECONDS.toNanos(5)));
        }
        children.clear();
    }

    private static boolean waitFor(Process child, long nanos) {
        try {
            return child.waitFor(nanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !child.isAlive();
        }
    }
}
