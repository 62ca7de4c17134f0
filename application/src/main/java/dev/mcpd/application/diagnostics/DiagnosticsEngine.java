package dev.mcpd.application.diagnostics;

import static java.util.Objects.requireNonNull;

import dev.mcpd.application.mcp.Json;
import dev.mcpd.application.tool.ToolArguments;
import dev.mcpd.application.tool.ToolHandler;
import dev.mcpd.application.tool.ToolTable;
import dev.mcpd.application.tool.ToolTableEngine;
import dev.mcpd.domain.model.Tool;
import dev.mcpd.domain.model.ToolAnnotations;
import dev.mcpd.domain.model.ToolResult;
import dev.mcpd.domain.port.CallContext;
import dev.mcpd.domain.port.Engine;
import dev.mcpd.domain.port.EngineFactory;
import dev.mcpd.domain.time.Ticker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;

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
public final class DiagnosticsEngine extends ToolTableEngine {

    public static final String NAME = "diagnostics";

    /** Creates the engine; it holds nothing until {@code diag_hold_process} is called. */
    public static final class Factory implements EngineFactory {
        private final Ticker ticker;

        /** Engines that measure time with {@link Ticker#system()}. */
        public Factory() {
            this(Ticker.system());
        }

        /** Engines that measure time with {@code ticker}. */
        public Factory(Ticker ticker) {
            this.ticker = requireNonNull(ticker, "ticker is null");
        }

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public Engine create() {
            return new DiagnosticsEngine(ticker);
        }
    }

    private static final long MAX_SLEEP_MILLIS = Duration.ofMinutes(10).toMillis();
    private static final long MAX_HOLD_SECONDS = Duration.ofHours(1).toSeconds();
    /** How long {@link #close()} waits after SIGTERM before it kills the children that are left (B-E1). */
    static final Duration CHILD_TERM_WAIT = Duration.ofMillis(500);

    private final HeldProcesses held;

    /** The engine whose {@code diag_hold_process} runs {@code sleep <seconds>}, measuring time with the system ticker. */
    public DiagnosticsEngine() {
        this(Ticker.system());
    }

    /** The engine whose {@code diag_hold_process} runs {@code sleep <seconds>}, measuring time with {@code ticker}. */
    public DiagnosticsEngine(Ticker ticker) {
        this(new HeldProcesses(seconds -> List.of("sleep", Long.toString(seconds)), ticker), ticker);
    }

    /** For tests: {@code diag_hold_process} runs {@code holdCommand.apply(seconds)} instead of {@code sleep}. */
    DiagnosticsEngine(LongFunction<List<String>> holdCommand) {
        this(new HeldProcesses(holdCommand, Ticker.system()), Ticker.system());
    }

    private DiagnosticsEngine(HeldProcesses held, Ticker ticker) {
        super(NAME, table(held, ticker));
        this.held = held;
    }

    private static ToolTable table(HeldProcesses held, Ticker ticker) {
        return ToolTable.of(NAME, List.of(
                new ToolHandler(new Tool("diag_echo", "Echo",
                        "Returns its text unchanged; measures the cost of a tool call through mcpd.",
                        Json.object("type", "object", "properties", Json.object("text", Json.object("type", "string",
                                "description", "Any text.")), "required", List.of("text"), "additionalProperties", false),
                        Json.object("type", "object", "properties", Json.object("text", Json.object("type", "string")),
                                "required", List.of("text")),
                        ToolAnnotations.readOnly()),
                        (arguments, context) -> echo(arguments)),
                sleepTool("diag_sleep", "Sleep", "Waits for the given milliseconds, reporting progress every 100 ms; "
                        + "stops at once when cancelled. For testing cancellation and progress.", "wait",
                        ToolAnnotations.readOnly(), ticker),
                sleepTool("diag_write", "Simulated write", "Waits like diag_sleep but is annotated as changing state, "
                        + "so a proxy that loses its daemon mid-call answers it with an error instead of running it "
                        + "again (B-G3).", "work", ToolAnnotations.write(), ticker),
                new ToolHandler(new Tool("diag_hold_process", "Hold a child process",
                        "Starts a child process (`sleep <seconds>`) owned by "
                        + "this engine and returns its pid at once; the engine terminates it when it closes (B-E1, B-E3).",
                        Json.object("type", "object", "properties", Json.object("seconds", Json.object("type", "integer",
                                "minimum", 1, "maximum", MAX_HOLD_SECONDS, "description", "How long the child lives, in s.")),
                                "required", List.of("seconds"), "additionalProperties", false),
                        Json.object("type", "object", "properties", Json.object("pid", Json.object("type", "integer")),
                                "required", List.of("pid")),
                        ToolAnnotations.write()),
                        (arguments, context) -> hold(held, arguments))));
    }

    /** diag_sleep and diag_write: they wait alike; {@code verb} says what for in the {@code millis} description. */
    private static ToolHandler sleepTool(String name, String title, String description, String verb,
            ToolAnnotations annotations, Ticker ticker) {
        Map<String, Object> input = Json.object("type", "object", "properties", Json.object("millis", Json.object(
                "type", "integer", "minimum", 0, "maximum", MAX_SLEEP_MILLIS, "description", "How long to " + verb
                        + ", in ms.")), "required", List.of("millis"), "additionalProperties", false);
        return new ToolHandler(new Tool(name, title, description, input, null, annotations),
                (arguments, context) -> sleep(ticker, arguments, context));
    }

    private static ToolResult echo(ToolArguments arguments) {
        String text = Json.asString(arguments.raw("text"));
        return text == null ? ToolResult.error("diag_echo needs a string argument \"text\"")
                : ToolResult.structured(Json.object("text", text), text);
    }

    /**
     * Waits {@code millis} by {@code ticker}, reporting progress every 100 ms; a cancellation ends the wait at once
     * (B-M7).
     */
    private static ToolResult sleep(Ticker ticker, ToolArguments arguments, CallContext context)
            throws InterruptedException {
        if (!(arguments.raw("millis") instanceof Number n) || n.longValue() < 0 || n.longValue() > MAX_SLEEP_MILLIS) {
            return ToolResult.error("diag_sleep needs \"millis\": an integer from 0 to " + MAX_SLEEP_MILLIS);
        }
        long total = n.longValue();
        long start = ticker.nanoTime();
        CountDownLatch cancelled = new CountDownLatch(1);
        context.onCancel(cancelled::countDown);
        long elapsed;
        while ((elapsed = ticker.since(start).toMillis()) < total) {
            context.throwIfCancelled();
            context.progress(elapsed, (double) total, "slept " + elapsed + " of " + total + " ms");
            cancelled.await(Math.min(100, total - elapsed), TimeUnit.MILLISECONDS);
        }
        return ToolResult.text("slept " + total + " ms");
    }

    private static ToolResult hold(HeldProcesses held, ToolArguments arguments) {
        if (!(arguments.raw("seconds") instanceof Number n) || n.longValue() < 1 || n.longValue() > MAX_HOLD_SECONDS) {
            return ToolResult.error("diag_hold_process needs \"seconds\": an integer from 1 to " + MAX_HOLD_SECONDS);
        }
        return held.hold(n.longValue());
    }

    /** The children started by {@code diag_hold_process} that are still running. */
    List<Long> heldPids() {
        return held.pids();
    }

    /**
     * Terminates every child process this engine started (B-E1): SIGTERM to all at once, up to
     * {@link #CHILD_TERM_WAIT} for them to exit, then SIGKILL for the rest, and waits until they are reaped.
     */
    @Override
    protected void release() {
        held.close(CHILD_TERM_WAIT);
    }
}
