package dev.mcpd.application.tool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpd.domain.contract.EngineContract;
import dev.mcpd.domain.error.HyperdException;
import dev.mcpd.domain.model.Tool;
import dev.mcpd.domain.model.ToolAnnotations;
import dev.mcpd.domain.model.ToolResult;
import dev.mcpd.domain.port.Engine;
import dev.mcpd.domain.testing.SimpleCallContext;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** A {@link ToolTableEngine} over a small {@link ToolTable}: the engine contract, and the table's invariants. */
class ToolTableEngineTest {

    private static final Tool ECHO = new Tool("echo", "Echo", "Returns its text.",
            JsonSchemas.inputSchema(JsonSchemas.object("text", JsonSchemas.string("Any text.")), List.of("text")), null,
            ToolAnnotations.readOnly());
    private static final Tool FAIL = new Tool("fail", "Fail", "Fails in the backend.",
            JsonSchemas.inputSchema(JsonSchemas.object(), List.of()), null, ToolAnnotations.readOnly());

    /** Counts its releases, so that the contract sees a second close release nothing. */
    static final class CountingEngine extends ToolTableEngine {
        final AtomicInteger releases = new AtomicInteger();

        CountingEngine() {
            super("counting", ToolTable.of("counting", List.of(
                    new ToolHandler(ECHO, (arguments, context) -> ToolResult.text(arguments.requiredString("text"))),
                    new ToolHandler(FAIL, (arguments, context) -> {
                        throw new HyperdException.NoSuchTable("t");
                    })), HyperdException.class, (tool, failure) -> tool + ": " + failure.getMessage()));
        }

        @Override
        protected void release() {
            releases.incrementAndGet();
        }
    }

    @Nested
    class Contract extends EngineContract {
        @Override
        protected Engine newEngine() {
            return new CountingEngine();
        }

        @Override
        protected SampleCall sampleCall() {
            return new SampleCall("echo", Map.of("text", "hi"));
        }

        @Override
        protected int releases() {
            return ((CountingEngine) engine).releases.get();
        }
    }

    @Test
    void anArgumentTheSchemaDoesNotDeclareIsAnErrorNamingWhatTheToolAccepts() throws Exception {
        try (CountingEngine engine = new CountingEngine()) {
            ToolResult result = engine.call("echo", Map.of("text", "hi", "loud", true), SimpleCallContext.forSeconds(5));
            assertThat(result.isError()).isTrue();
            assertThat(result.texts().getFirst()).isEqualTo("unknown argument 'loud' for echo; it accepts text");
        }
    }

    @Test
    void aBadValueIsAnErrorSayingWhichArgument() throws Exception {
        try (CountingEngine engine = new CountingEngine()) {
            ToolResult result = engine.call("echo", Map.of("text", 3), SimpleCallContext.forSeconds(5));
            assertThat(result.texts().getFirst()).isEqualTo("echo: argument 'text' must be a string, not the number 3");
        }
    }

    @Test
    void aBackendFailureIsAnErrorInTheEnginesWords() throws Exception {
        try (CountingEngine engine = new CountingEngine()) {
            ToolResult result = engine.call("fail", Map.of(), SimpleCallContext.forSeconds(5));
            assertThat(result.isError()).isTrue();
            assertThat(result.texts().getFirst()).isEqualTo("fail: no such table 't'");
        }
    }
}
