package dev.mcpd.application.diagnostics;

import static java.util.Objects.requireNonNull;

import dev.mcpd.application.mcp.Json;
import dev.mcpd.domain.model.Availability;
import dev.mcpd.domain.model.Tool;
import dev.mcpd.domain.model.ToolAnnotations;
import dev.mcpd.domain.model.ToolResult;
import dev.mcpd.domain.port.CallContext;
import dev.mcpd.domain.port.Engine;
import dev.mcpd.domain.port.EngineFactory;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opt-in tools for measuring and checking mcpd itself, with no backend behind them ({@code MCPD_ENGINES=diagnostics}):
 * {@code diag_echo} (the cost of a tool call through proxy and daemon) and {@code diag_sleep} (a long call that
 * reports progress and honours cancellation, B-M7), {@code diag_write} (the same, annotated as a write, B-G3) and
 * {@code diag_hold_process} (an engine-owned child process, for checking that shutdown leaves none behind, B-E1, B-E3).
 *
 * <p>Invariants:
 * <ol>
 *   <li>B-E1 {@link #close()} terminates every child {@code diag_hold_process} started: SIGTERM ({@link Process#destroy()})
 *       first, then, for any still running after {@link #CHILD_TERM_WAIT}, SIGKILL ({@link Process#destroyForcibly()}).
 *   <li>B-E3 no child outlives a closed engine: a hold requested during or after {@code close()} is refused, and one
 *       that raced with it is killed at once.
 * </ol>
 */
public final class DiagnosticsEngine implements Engine {

    public static final String NAME = "diagnostics";

    /** Creates the engine; it holds nothing. */
    public static final class Factory implements EngineFactory {
        @Override
        public String name() {
            return NAME;
        }

        @Override
        public Engine create() {
            return new DiagnosticsEngine();
        }
    }

    private static final Logger log = LoggerFactory.getLogger(DiagnosticsEngine.class);
    private static final long MAX_SLEEP_MILLIS = Duration.ofMinutes(10).toMillis();
    private static final long MAX_HOLD_SECONDS = Duration.ofHours(1).toSeconds();
    /** How long {@link #close()} waits after SIGTERM before it kills the children that are left (B-E1). */
    static final Duration CHILD_TERM_WAIT = Duration.ofMillis(500);

    private final Set<Process> children = ConcurrentHashMap.newKeySet();
    private final LongFunction<List<String>> holdCommand;
    private volatile boolean closed;

    /** The engine whose {@code diag_hold_process} runs {@code sleep <seconds>}. */
    public DiagnosticsEngine() {
        this(seconds -> List.of("sleep", Long.toString(seconds)));
    }

    /** For tests: {@code diag_hold_process} runs {@code holdCommand.apply(seconds)} instead of {@code sleep}. */
    DiagnosticsEngine(LongFunction<List<String>> holdCommand) {
        this.holdCommand = requireNonNull(holdCommand, "holdCommand is null");
    }

    private final List<Tool> tools = List.of(
            new Tool("diag_echo", "Echo", "Returns its text unchanged; measures the cost of a tool call through mcpd.",
                    Json.object("type", "object", "properties", Json.object("text", Json.object("type", "string",
                            "description", "Any text.")), "required", List.of("text"), "additionalProperties", false),
                    Json.object("type", "object", "properties", Json.object("text", Json.object("type", "string")),
                            "required", List.of("text")),
                    ToolAnnotations.readOnly()),
            new Tool("diag_sleep", "Sleep", "Waits for the given milliseconds, reporting progress every 100 ms; "
                    + "stops at once when cancelled. For testing cancellation and progress.",
                    Json.object("type", "object", "properties", Json.object("millis", Json.object("type", "integer",
                            "minimum", 0, "maximum", MAX_SLEEP_MILLIS, "description", "How long to wait, in ms.")),
                            "required", List.of("millis"), "additionalProperties", false),
                    null, ToolAnnotations.readOnly()),
            new Tool("diag_write", "Simulated write", "Waits like diag_sleep but is annotated as changing state, so a "
                    + "proxy that loses its daemon mid-call answers it with an error instead of running it again (B-G3).",
                    Json.object("type", "object", "properties", Json.object("millis", Json.object("type", "integer",
                            "minimum", 0, "maximum", MAX_SLEEP_MILLIS, "description", "How long to work, in ms.")),
                            "required", List.of("millis"), "additionalProperties", false),
                    null, ToolAnnotations.write()),
            new Tool("diag_hold_process", "Hold a child process", "Starts a child process (`sleep <seconds>`) owned by "
                    + "this engine and returns its pid at once; the engine terminates it when it closes (B-E1, B-E3).",
                    Json.object("type", "object", "properties", Json.object("seconds", Json.object("type", "integer",
                            "minimum", 1, "maximum", MAX_HOLD_SECONDS, "description", "How long the child lives, in s.")),
                            "required", List.of("seconds"), "additionalProperties", false),
                    Json.object("type", "object", "properties", Json.object("pid", Json.object("type", "integer")),
                            "required", List.of("pid")),
                    ToolAnnotations.write()));

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Availability availability() {
        return Availability.available();
    }

    @Override
    public List<Tool> tools() {
        return tools;
    }

    @Override
    public ToolResult call(String tool, Map<String, Object> arguments, CallContext context) throws InterruptedException {
        return switch (tool) {
            case "diag_echo" -> {
                String text = Json.asString(arguments.get("text"));
                yield text == null ? ToolResult.error("diag_echo needs a string argument \"text\"")
                        : ToolResult.structured(Json.object("text", text), text);
            }
            case "diag_sleep", "diag_write" -> sleep(arguments, context);
            case "diag_hold_process" -> holdProcess(arguments);
            default -> throw new IllegalArgumentException("no tool " + tool + " in engine " + NAME);
        };
    }

    private static ToolResult sleep(Map<String, Object> arguments, CallContext context) throws InterruptedException {
        if (!(arguments.get("millis") instanceof Number n) || n.longValue() < 0 || n.longValue() > MAX_SLEEP_MILLIS) {
            return ToolResult.error("diag_sleep needs \"millis\": an integer from 0 to " + MAX_SLEEP_MILLIS);
        }
        long total = n.longValue();
        long start = System.nanoTime();
        long elapsed;
        while ((elapsed = (System.nanoTime() - start) / 1_000_000) < total) {
            context.throwIfCancelled();
            context.progress(elapsed, (double) total, "slept " + elapsed + " of " + total + " ms");
            Thread.sleep(Math.min(100, total - elapsed));
        }
        return ToolResult.text("slept " + total + " ms");
    }

    private ToolResult holdProcess(Map<String, Object> arguments) {
        if (!(arguments.get("seconds") instanceof Number n) || n.longValue() < 1 || n.longValue() > MAX_HOLD_SECONDS) {
            return ToolResult.error("diag_hold_process needs \"seconds\": an integer from 1 to " + MAX_HOLD_SECONDS);
        }
        if (closed) {
            return ToolResult.error("the diagnostics engine is closing; no new child process is started");
        }
        Process child;
        try {
            child = new ProcessBuilder(holdCommand.apply(n.longValue()))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            child.getOutputStream().close();
        } catch (IOException e) {
            return ToolResult.error("could not start `sleep " + n.longValue() + "`: " + e.getMessage());
        }
        children.add(child);
        child.onExit().thenRun(() -> children.remove(child));
        if (closed) { // raced with close(): it may not have seen this child (B-E3)
            child.destroyForcibly();
            return ToolResult.error("the diagnostics engine is closing; the child process was killed");
        }
        return ToolResult.structured(Json.object("pid", child.pid()), "holding child process " + child.pid());
    }

    /** The children started by {@code diag_hold_process} that are still running. */
    List<Long> heldPids() {
        return children.stream().filter(Process::isAlive).map(Process::pid).sorted().toList();
    }

    /**
     * Terminates every child process this engine started (B-E1): SIGTERM to all at once, up to
     * {@link #CHILD_TERM_WAIT} for them to exit, then SIGKILL for the rest, and waits until they are reaped.
     */
    @Override
    public void close() {
        closed = true;
        List<Process> held = new ArrayList<>(children);
        if (held.isEmpty()) {
            return;
        }
        held.forEach(Process::destroy);
        long deadline = System.nanoTime() + CHILD_TERM_WAIT.toNanos();
        List<Process> stubborn = new ArrayList<>();
        for (Process child : held) {
            if (!waitFor(child, Math.max(0, deadline - System.nanoTime()))) {
                stubborn.add(child);
            }
        }
        if (!stubborn.isEmpty()) {
            log.warn("{} child process(es) still running {} ms after SIGTERM; killing them", stubborn.size(),
                    CHILD_TERM_WAIT.toMillis());
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
