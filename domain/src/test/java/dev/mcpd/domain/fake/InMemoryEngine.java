package dev.mcpd.domain.fake;

import dev.mcpd.domain.model.Availability;
import dev.mcpd.domain.model.Tool;
import dev.mcpd.domain.model.ToolAnnotations;
import dev.mcpd.domain.model.ToolResult;
import dev.mcpd.domain.port.CallContext;
import dev.mcpd.domain.port.Engine;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An {@link Engine} with two tools for tests: {@code echo} {text} returns its text, {@code sleep} {millis} waits,
 * reporting progress, until done or cancelled.
 */
public final class InMemoryEngine implements Engine {

    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicInteger releases = new AtomicInteger();

    @Override
    public String name() {
        return "memory";
    }

    @Override
    public Availability availability() {
        return closed.get() ? Availability.unavailable("closed") : Availability.available();
    }

    @Override
    public List<Tool> tools() {
        Map<String, Object> echoSchema = new LinkedHashMap<>();
        echoSchema.put("type", "object");
        echoSchema.put("properties", Map.of("text", Map.of("type", "string")));
        echoSchema.put("required", List.of("text"));
        Map<String, Object> sleepSchema = new LinkedHashMap<>();
        sleepSchema.put("type", "object");
        sleepSchema.put("properties", Map.of("millis", Map.of("type", "integer", "minimum", 0)));
        return List.of(
                new Tool("echo", "Echo", "Returns its text.", echoSchema, null, ToolAnnotations.readOnly()),
                new Tool("sleep", "Sleep", "Waits for millis, reporting progress.", sleepSchema, null,
                        ToolAnnotations.readOnly()));
    }

    @Override
    public ToolResult call(String tool, Map<String, Object> arguments, CallContext context) throws InterruptedException {
        if (closed.get() && (tool.equals("echo") || tool.equals("sleep"))) {
            return ToolResult.error("engine memory is closed");
        }
        return switch (tool) {
            case "echo" -> ToolResult.text(String.valueOf(arguments.get("text")));
            case "sleep" -> {
                long millis = ((Number) arguments.getOrDefault("millis", 0)).longValue();
                Instant end = Instant.now().plusMillis(millis);
                int step = 0;
                while (Instant.now().isBefore(end)) {
                    context.throwIfCancelled();
                    context.progress(++step, null, null);
                    Thread.sleep(Math.min(10, Math.max(1, Duration.between(Instant.now(), end).toMillis())));
                }
                yield ToolResult.text("slept " + millis + " ms");
            }
            default -> throw new IllegalArgumentException("no tool " + tool + " in engine memory");
        };
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            releases.incrementAndGet();
        }
    }

    /** How many times {@link #close()} released the engine: 0, then 1 for good. */
    public int releases() {
        return releases.get();
    }
}
