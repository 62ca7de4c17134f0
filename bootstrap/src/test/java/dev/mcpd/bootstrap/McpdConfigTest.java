package dev.mcpd.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcpd.application.daemon.DaemonSettings;
import dev.mcpd.domain.error.ConfigurationException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class McpdConfigTest {

    @Test
    void defaultsMatchTheReadme() {
        McpdConfig config = McpdConfig.fromEnvironment(Map.of("MCPD_STATE_DIR", "/tmp/x"));
        assertThat(config.stateDir()).isEqualTo(Path.of("/tmp/x"));
        assertThat(config.idleTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(config.shutdownGrace()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.callTimeout()).isEqualTo(Duration.ofMinutes(10));
        assertThat(config.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.maxLineBytes()).isEqualTo(16 * 1024 * 1024);
        assertThat(config.noDaemon()).isFalse();
        assertThat(config.hostPid()).isNull();
        assertThat(config.engines()).containsExactly("containers");
        assertThat(config.logLevel()).isEqualTo("info");
    }

    @Test
    void mapsEveryVariable() {
        McpdConfig config = McpdConfig.fromEnvironment(Map.of("MCPD_STATE_DIR", "/tmp/y", "MCPD_NO_DAEMON", "1",
                "MCPD_DAEMON_IDLE_TIMEOUT", "0", "MCPD_DAEMON_SHUTDOWN_GRACE", "500ms", "MCPD_DAEMON_CALL_TIMEOUT", "PT30S",
                "MCPD_CONNECT_TIMEOUT", "1h", "MCPD_DAEMON_MAX_LINE", "65536", "MCPD_HOST_PID", "42",
                "MCPD_ENGINES", "diagnostics,containers,hyperd", "MCPD_LOG_LEVEL", "DEBUG"));
        assertThat(config.noDaemon()).isTrue();
        assertThat(config.idleTimeout()).isZero();
        assertThat(config.shutdownGrace()).isEqualTo(Duration.ofMillis(500));
        assertThat(config.callTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.connectTimeout()).isEqualTo(Duration.ofHours(1));
        assertThat(config.maxLineBytes()).isEqualTo(65536);
        assertThat(config.hostPid()).isEqualTo(42L);
        assertThat(config.engines()).containsExactlyInAnyOrder("diagnostics", "containers", "hyperd");
        assertThat(config.logLevel()).isEqualTo("debug");
    }

    @Test
    void reportsEveryProblemAtOnceAndNamesTheUnknownKey() { // B-X2
        assertThatThrownBy(() -> McpdConfig.fromEnvironment(Map.of("MCPD_DAEMON_IDLE_TIMOUT", "5m",
                "MCPD_DAEMON_SHUTDOWN_GRACE", "soon", "MCPD_DAEMON_MAX_LINE", "big", "MCPD_ENGINES", "quantum",
                "MCPD_NO_DAEMON", "maybe")))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> {
                    assertThat(e.problems()).hasSize(5);
                    assertThat(e.getMessage()).contains("unknown setting MCPD_DAEMON_IDLE_TIMOUT")
                            .contains("MCPD_DAEMON_SHUTDOWN_GRACE").contains("'soon'")
                            .contains("MCPD_DAEMON_MAX_LINE").contains("quantum").contains("MCPD_NO_DAEMON");
                });
    }

    @Test
    void admissionLimitsHaveDocumentedDefaultsAndAreMapped() { // review findings 5 and 16
        McpdConfig defaults = McpdConfig.fromEnvironment(Map.of("MCPD_STATE_DIR", "/tmp/x"));
        assertThat(defaults.admission()).isEqualTo(new DaemonSettings.Admission(Duration.ofSeconds(3), 1024,
                256L * 1024 * 1024));
        McpdConfig set = McpdConfig.fromEnvironment(Map.of("MCPD_STATE_DIR", "/tmp/x", "MCPD_DAEMON_HELLO_TIMEOUT",
                "500ms", "MCPD_DAEMON_MAX_CONNECTIONS", "8", "MCPD_DAEMON_LINE_BUDGET", "33554432"));
        assertThat(set.admission()).isEqualTo(new DaemonSettings.Admission(Duration.ofMillis(500), 8, 32L * 1024 * 1024));
        assertThatThrownBy(() -> McpdConfig.fromEnvironment(Map.of("MCPD_DAEMON_HELLO_TIMEOUT", "0",
                "MCPD_DAEMON_MAX_CONNECTIONS", "0", "MCPD_DAEMON_LINE_BUDGET", "4096")))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> {
                    assertThat(e.problems()).hasSize(3);
                    assertThat(e.getMessage()).contains("MCPD_DAEMON_HELLO_TIMEOUT").contains("MCPD_DAEMON_MAX_CONNECTIONS")
                            .contains("MCPD_DAEMON_LINE_BUDGET");
                });
    }

    @Test
    void hostWatchdogSettings() { // B-G1, B-G2
        McpdConfig defaults = McpdConfig.fromEnvironment(Map.of("MCPD_STATE_DIR", "/tmp/x"));
        assertThat(defaults.ppidPoll()).isEqualTo(Duration.ofSeconds(5));
        assertThat(defaults.startupTimeout()).isEqualTo(Duration.ofMinutes(15));
        McpdConfig set = McpdConfig.fromEnvironment(Map.of("MCPD_STATE_DIR", "/tmp/x", "MCPD_PPID_POLL", "500ms",
                "MCPD_STARTUP_TIMEOUT", "0"));
        assertThat(set.ppidPoll()).isEqualTo(Duration.ofMillis(500));
        assertThat(set.startupTimeout()).isZero();
        assertThatThrownBy(() -> McpdConfig.fromEnvironment(Map.of("MCPD_PPID_POLL", "0", "MCPD_STARTUP_TIMEOUT", "later")))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> {
                    assertThat(e.problems()).hasSize(2);
                    assertThat(e.getMessage()).contains("MCPD_PPID_POLL").contains("MCPD_STARTUP_TIMEOUT");
                });
    }

    @Test
    void durationsAcceptShortAndIsoForms() {
        assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(Durations.parse("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(Durations.parse("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(Durations.parse("PT30S")).isEqualTo(Duration.ofSeconds(30));
        assertThat(Durations.parse("0")).isZero();
        assertThatThrownBy(() -> Durations.parse("5 minutes")).hasMessageContaining("use 500ms, 30s, 5m, 1h or PT30S");
        assertThatThrownBy(() -> Durations.parse("-PT1S")).hasMessageContaining("negative");
    }

    @Test
    void maxCallsPerClientDefaultsTo16AndMapsItsVariable() { // review finding 12
        assertThat(McpdConfig.fromEnvironment(Map.of("MCPD_STATE_DIR", "/tmp/x")).maxCallsPerClient())
                .isEqualTo(16).isEqualTo(dev.mcpd.application.daemon.DaemonSettings.DEFAULT_MAX_CALLS_PER_CLIENT);
        assertThat(McpdConfig.fromEnvironment(Map.of("MCPD_STATE_DIR", "/tmp/x", "MCPD_DAEMON_MAX_CALLS_PER_CLIENT", "64"))
                .maxCallsPerClient()).isEqualTo(64);
        assertThatThrownBy(() -> McpdConfig.fromEnvironment(Map.of("MCPD_DAEMON_MAX_CALLS_PER_CLIENT", "0")))
                .isInstanceOfSatisfying(ConfigurationException.class,
                        e -> assertThat(e.getMessage()).contains("MCPD_DAEMON_MAX_CALLS_PER_CLIENT=0 must be at least 1"));
        assertThatThrownBy(() -> McpdConfig.fromEnvironment(Map.of("MCPD_DAEMON_MAX_CALLS_PER_CLIENT", "many")))
                .isInstanceOfSatisfying(ConfigurationException.class,
                        e -> assertThat(e.getMessage()).contains("MCPD_DAEMON_MAX_CALLS_PER_CLIENT='many' is not a number"));
    }

    // --- the state dir -----------------------------------------------------------------------------------------

    @Test
    void theDefaultStateDirDoesNotDependOnWhatAHostForwards() { // B-S6: Codex forwards no XDG_RUNTIME_DIR
        McpdConfig claude = McpdConfig.fromEnvironment(Map.of("XDG_RUNTIME_DIR", "/run/user/12345",
                "HOME", "/somewhere/else", "PATH", "/usr/bin"));
        McpdConfig codex = McpdConfig.fromEnvironment(Map.of("PATH", "/usr/bin"));

        assertThat(claude.stateDir()).isEqualTo(codex.stateDir())
                .isEqualTo(dev.mcpd.adapter.secondary.state.FileStateDirectory.defaultRoot())
                .isAbsolute();
        assertThat(claude.stateDir().toString()).doesNotContain("/somewhere/else").doesNotContain("12345");
    }

    @Test
    void anAbsoluteStateDirIsTakenNormalised() {
        assertThat(McpdConfig.fromEnvironment(Map.of("MCPD_STATE_DIR", "/tmp/a/../b/")).stateDir()).isEqualTo(Path.of("/tmp/b"));
    }

    @Test
    void aRelativeOrTildeStateDirIsRejectedWithTheOtherProblems() { // B-X2: hosts neither expand ~ nor share a cwd
        assertThatThrownBy(() -> McpdConfig.fromEnvironment(Map.of("MCPD_STATE_DIR", "~/mcpd-state",
                "MCPD_LOG_LEVEL", "loud")))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> {
                    assertThat(e.problems()).hasSize(2);
                    assertThat(e.getMessage()).contains("MCPD_STATE_DIR='~/mcpd-state'").contains("not expanded")
                            .contains("absolute path").contains("MCPD_LOG_LEVEL");
                });
        assertThatThrownBy(() -> McpdConfig.fromEnvironment(Map.of("MCPD_STATE_DIR", "mcpd-state")))
                .isInstanceOfSatisfying(ConfigurationException.class, e ->
                        assertThat(e.getMessage()).contains("MCPD_STATE_DIR='mcpd-state' is relative")
                                .contains("absolute path"));
        assertThatThrownBy(() -> McpdConfig.fromEnvironment(Map.of("MCPD_STATE_DIR", "./state")))
                .isInstanceOf(ConfigurationException.class);
    }
}
