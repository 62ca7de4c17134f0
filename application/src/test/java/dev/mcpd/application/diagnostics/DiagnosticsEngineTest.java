package dev.mcpd.application.diagnostics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.mcpd.domain.contract.EngineContract;
import dev.mcpd.domain.contract.EngineFactoryContract;
import dev.mcpd.domain.model.ToolResult;
import dev.mcpd.domain.port.Engine;
import dev.mcpd.domain.port.EngineFactory;
import dev.mcpd.domain.testing.SimpleCallContext;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class DiagnosticsEngineTest {

    @Nested
    class Contract extends EngineContract {
        @Override
        protected Engine newEngine() {
            return new DiagnosticsEngine();
        }

        @Override
        protected SampleCall sampleCall() {
            return new SampleCall("diag_echo", Map.of("text", "hi"));
        }
    }

    @Nested
    class FactoryContract extends EngineFactoryContract {
        @Override
        protected EngineFactory newFactory() {
            return new DiagnosticsEngine.Factory();
        }
    }

    @Test
    void sleepReportsIncreasingProgressAndStopsWhenCancelled() throws Exception { // B-M7
        DiagnosticsEngine engine = new DiagnosticsEngine();
        SimpleCallContext context = SimpleCallContext.forSeconds(30);
        Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                return;
            }
            context.cancel();
        });
        long begun = System.nanoTime();
        assertThatThrownBy(() -> engine.call("diag_sleep", Map.of("millis", 10_000), context))
                .isInstanceOf(CancellationException.class);
        assertThat((System.nanoTime() - begun) / 1_000_000).isLessThan(2_000);
        assertThat(context.progressReported()).isSorted().isNotEmpty();
    }

    @Test
    void badArgumentsAreToolErrorsThatSayWhatIsExpected() throws Exception { // B-M6
        DiagnosticsEngine engine = new DiagnosticsEngine();
        assertThat(engine.call("diag_sleep", Map.of("millis", -1), SimpleCallContext.forSeconds(5)).texts().getFirst())
                .contains("integer from 0");
        assertThat(engine.call("diag_echo", Map.of(), SimpleCallContext.forSeconds(5)).isError()).isTrue();
    }

    private static long heldPid(ToolResult result) {
        assertThat(result.isError()).as(result.texts().toString()).isFalse();
        return ((Number) result.structuredContent().get("pid")).longValue();
    }

    private static boolean gone(long pid) {
        return ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true);
    }

    @Test
    void holdProcessStartsAChildThatCloseTerminates() throws Exception { // B-E1, B-E3
        DiagnosticsEngine engine = new DiagnosticsEngine();
        long first = heldPid(engine.call("diag_hold_process", Map.of("seconds", 60), SimpleCallContext.forSeconds(5)));
        long second = heldPid(engine.call("diag_hold_process", Map.of("seconds", 60), SimpleCallContext.forSeconds(5)));
        assertThat(ProcessHandle.of(first)).get().matches(ProcessHandle::isAlive);
        assertThat(engine.heldPids()).containsExactly(Math.min(first, second), Math.max(first, second));

        long begun = System.nanoTime();
        engine.close();

        assertThat(Duration.ofNanos(System.nanoTime() - begun)).as("sleep exits on SIGTERM: no forced wait")
                .isLessThan(DiagnosticsEngine.CHILD_TERM_WAIT);
        assertThat(gone(first)).isTrue();
        assertThat(gone(second)).isTrue();
        assertThat(engine.heldPids()).isEmpty();
    }

    @Test
    void closeKillsAChildThatIgnoresSigtermAfterTheWait() throws Exception { // B-E1, B-E3
        DiagnosticsEngine engine = new DiagnosticsEngine(seconds -> List.of("sh", "-c", "trap '' TERM; exec sleep " + seconds));
        long stubborn = heldPid(engine.call("diag_hold_process", Map.of("seconds", 60), SimpleCallContext.forSeconds(5)));
        // SIGTERM is ignored once sh has exec'd sleep, which inherits the ignored signal
        await().atMost(Duration.ofSeconds(10)).until(() -> ProcessHandle.of(stubborn).flatMap(h -> h.info().command())
                .map(command -> command.endsWith("/sleep")).orElse(false));

        long begun = System.nanoTime();
        engine.close();
        Duration took = Duration.ofNanos(System.nanoTime() - begun);

        assertThat(gone(stubborn)).isTrue();
        assertThat(took).isGreaterThanOrEqualTo(DiagnosticsEngine.CHILD_TERM_WAIT).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void aClosedEngineStartsNoChild() throws Exception { // B-E3
        DiagnosticsEngine engine = new DiagnosticsEngine();
        engine.close();

        ToolResult refused = engine.call("diag_hold_process", Map.of("seconds", 60), SimpleCallContext.forSeconds(5));

        assertThat(refused.isError()).isTrue();
        assertThat(engine.heldPids()).isEmpty();
    }

    @Test
    void holdProcessIsAnnotatedAsAWriteAndChecksItsArgument() throws Exception { // B-M5, B-M6
        DiagnosticsEngine engine = new DiagnosticsEngine();
        assertThat(engine.tools()).filteredOn(t -> t.name().equals("diag_hold_process")).singleElement()
                .satisfies(t -> assertThat(t.annotations().readOnlyHint()).isFalse());
        assertThat(engine.call("diag_hold_process", Map.of("seconds", 0), SimpleCallContext.forSeconds(5)).texts().getFirst())
                .contains("integer from 1");
        engine.close();
    }
}
