package dev.mcpd.application.containers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ContainerEngineConfigTest {

    @Test
    void hasTheDocumentedDefaults() {
        ContainerEngineConfig defaults = ContainerEngineConfig.defaults();
        assertThat(defaults.operationTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(defaults.stopMargin()).isEqualTo(Duration.ofSeconds(10));
        assertThat(defaults.defaultStopTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(defaults.maxStopTimeout()).isEqualTo(Duration.ofMinutes(10));
        assertThat(defaults.defaultLogTail()).isEqualTo(100);
        assertThat(defaults.maxLogTail()).isEqualTo(10_000);
        assertThat(defaults.maxLogChars()).isEqualTo(1_000_000);
    }

    @Test
    void reportsEveryProblemAtOnce() {
        assertThatThrownBy(() -> new ContainerEngineConfig(Duration.ZERO, Duration.ofSeconds(-1), Duration.ofSeconds(10),
                Duration.ofMinutes(10), 100, 10_000, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("operation-timeout")
                .hasMessageContaining("stop-margin")
                .hasMessageContaining("max-log-chars");
    }
}
