package dev.mcpd.application.mcp;

import dev.mcpd.domain.model.Availability;
import dev.mcpd.domain.model.Tool;
import dev.mcpd.domain.model.ToolAnnotations;
import dev.mcpd.domain.model.ToolResult;
import dev.mcpd.domain.port.CallContext;
import dev.mcpd.domain.port.Engine;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A hand-written engine whose tools misbehave on purpose, to test what the session does around them:
 * {@code boom} throws, {@code stats} returns structured content, {@code progress} reports a non-monotonic
 * sequence, {@code block} waits until interrupted and then returns anyway (as a careless engine would).
 */
final class ScriptedEngine implements Engine {

    /** Counted down when {@code block} starts waiting. */
    final CountDownLatch blocked = new CountDownLatch(1);
    /** Counted down when the thread running {@code block} was interrupted. */
    final CountDownLatch interrupted = new CountDownLatch(1);
    /** Counted down when the call's {@code onCancel} action ran. */
    final CountDownLatch cancelActionRan = new CountDownLatch(1);
    /** {@code block} returns only once this is counted down, after its interruption. */
    final CountDownLatch releaseAfterInterrupt;

    private final CountDownLatch forever = new CountDownLatch(1);

    ScriptedEngine() {
        this(false);
    }

    /** @param holdAfterInterrupt whether {@code block} waits for {@link #releaseAfterInterrupt} once interrupted */
    ScriptedEngine(boolean holdAfterInterrupt) {
        this.releaseAfterInterrupt = new CountDownLatch(holdAfterInterrupt ? 1 : 0);
    }

    @Override
    public String name() {
        return "scripted";
    }

    @Override
    public Availability availability() {
        return Availability.available();
    }

    @Override
    public List<Tool> tools() {
        Map<String, Object> noArguments = Json.object("type", "object", "properties", Json.object());
        return List.of(
                new Tool("boom", null, "Throws an unexpected exception.", noArguments, null, ToolAnnotations.write()),
                new Tool("stats", "Stats", "Returns structured content.", noArguments,
                        Json.object("type", "object", "properties", Json.object("count", Json.object("type", "integer"))),
                        ToolAnnotations.readOnly()),
                new Tool("progress", null, "Reports 1, 3, 2, 3, 5 as progress.", noArguments, null, ToolAnnotations.readOnly()),
                new Tool("block", null, "Waits until interrupted, then returns anyway.", noArguments, null,
                        ToolAnnotations.readOnly()));
    }

    @Override
    public ToolResult call(String tool, Map<String, Object> arguments, CallContext context) {
        return switch (tool) {
            case "boom" -> throw new IllegalStateException("backend exploded");
            case "stats" -> ToolResult.structured(Json.object("count", 3), "3 things");
            case "progress" -> {
                for (double p : new double[] {1, 3, 2, 3, 5}) {
                    context.progress(p, 5.0, "step " + p);
                }
                yield ToolResult.text("done");
            }
            case "block" -> {
                context.onCancel(cancelActionRan::countDown);
                blocked.countDown();
                try {
                    forever.await();
                } catch (InterruptedException e) {
                    interrupted.countDown();
                }
                awaitRelease();
                yield ToolResult.text("finished anyway");
            }
            default -> throw new IllegalArgumentException("no tool " + tool + " in engine scripted");
        };
    }

    private void awaitRelease() {
        try {
            releaseAfterInterrupt.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        forever.countDown();
    }
}
