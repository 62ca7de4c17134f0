package dev.mcpd.application.diagnostics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcpd.domain.contract.EngineContract;
import dev.mcpd.domain.contract.EngineFactoryContract;
import dev.mcpd.domain.port.Engine;
import dev.mcpd.domain.port.EngineFactory;
import dev.mcpd.domain.testing.SimpleCallContext;
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
}
