package dev.mcpd.domain.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcpd.domain.model.Tool;
import dev.mcpd.domain.model.ToolResult;
import dev.mcpd.domain.port.Engine;
import dev.mcpd.domain.testing.SimpleCallContext;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The contract every {@link Engine} passes (B-M5, B-M6, B-M8, B-E1). */
public abstract class EngineContract {

    /** A call that must succeed on a freshly created engine where the suite runs. */
    public record SampleCall(String tool, Map<String, Object> arguments) {}

    protected Engine engine;

    protected abstract Engine newEngine() throws Exception;

    protected abstract SampleCall sampleCall();

    @BeforeEach
    void create() throws Exception {
        engine = newEngine();
    }

    @AfterEach
    void close() {
        engine.close();
    }

    @Test
    void hasAShortStableName() {
        assertThat(engine.name()).matches("[a-z][a-z0-9-]{0,31}");
        assertThat(engine.name()).isEqualTo(engine.name());
    }

    @Test
    void listsUniqueValidToolsInAStableOrder() {
        List<Tool> tools = engine.tools();
        assertThat(tools).isNotEmpty();
        Set<String> names = new HashSet<>();
        for (Tool tool : tools) {
            assertThat(Tool.isValidName(tool.name())).as(tool.name()).isTrue();
            assertThat(names.add(tool.name())).as("duplicate tool " + tool.name()).isTrue();
            assertThat(tool.description()).isNotBlank();
            assertThat(tool.inputSchema()).containsEntry("type", "object");
            if (tool.outputSchema() != null) {
                assertThat(tool.outputSchema()).containsEntry("type", "object");
            }
        }
        assertThat(engine.tools()).isEqualTo(tools);
    }

    @Test
    void answersTheSampleCall() throws Exception {
        SampleCall sample = sampleCall();
        ToolResult result = engine.call(sample.tool(), sample.arguments(), SimpleCallContext.forSeconds(30));
        assertThat(result.isError()).as(String.join("\n", result.texts())).isFalse();
        assertThat(result.texts().getFirst()).isNotBlank();
    }

    @Test
    void servesConcurrentCalls() throws Exception {
        SampleCall sample = sampleCall();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<ToolResult>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                results.add(pool.submit(() -> engine.call(sample.tool(), sample.arguments(), SimpleCallContext.forSeconds(30))));
            }
            for (Future<ToolResult> result : results) {
                assertThat(result.get().isError()).isFalse();
            }
        }
    }

    @Test
    void rejectsAToolItDoesNotHave() {
        assertThatThrownBy(() -> engine.call("no_such_tool_here", Map.of(), SimpleCallContext.forSeconds(5)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aClosedEngineSaysSoAndRunsNothing() throws Exception { // B-E1
        engine.close();
        assertThat(engine.availability().isAvailable()).as("available after close").isFalse();
        assertThat(engine.availability().reason()).isNotBlank();
        SampleCall sample = sampleCall();
        ToolResult result = engine.call(sample.tool(), sample.arguments(), SimpleCallContext.forSeconds(5));
        assertThat(result.isError()).as("a call after close is an error").isTrue();
        assertThat(String.join("\n", result.texts())).contains("closed");
    }

    @Test
    void closeIsIdempotent() { // B-E1
        engine.close();
        String reason = engine.availability().reason();
        assertThatCode(engine::close).doesNotThrowAnyException();
        assertThat(engine.availability().isAvailable()).isFalse();
        assertThat(engine.availability().reason()).isEqualTo(reason);
        assertThat(releases()).as("releases after two closes").isIn(-1, 1);
    }

    /**
     * How many times the engine released its resources so far, or -1 when the engine cannot tell: an engine that
     * can tell shows that a second {@code close()} releases nothing twice.
     */
    protected int releases() {
        return -1;
    }
}
