package dev.mcpd.application.diagnostics;

import dev.mcpd.application.mcp.Json;
import dev.mcpd.domain.model.Availability;
import dev.mcpd.domain.model.Tool;
import dev.mcpd.domain.model.ToolAnnotations;
import dev.mcpd.domain.model.ToolResult;
import dev.mcpd.domain.port.CallContext;
import dev.mcpd.domain.port.Engine;
import dev.mcpd.domain.port.EngineFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Opt-in tools for measuring and checking mcpd itself, with no backend behind them ({@code MCPD_ENGINES=diagnostics}):
 * {@code diag_echo} (the cost of a tool call through proxy and daemon) and {@code diag_sleep} (a long call that
 * reports progress and honours cancellation, B-M7) and {@code diag_write} (the same, annotated as a write, B-G3).
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

    private static final long MAX_SLEEP_MILLIS = Duration.ofMinutes(10).toMillis();

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
                    null, ToolAnnotations.write()));

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

    @Override
    public void close() {
        // nothing held
    }
}
