package dev.mcpd.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a launched daemon is given, and what a later session is told (review finding 8, ADR 0012). */
class DaemonEnvironmentTest {

    @Test
    void aLaunchedDaemonGetsTheBasicsAndTheDaemonWideSettingsButNoPerSessionVariable() {
        Map<String, String> proxy = new LinkedHashMap<>();
        proxy.put("HOME", "/home/u");
        proxy.put("PATH", "/usr/bin");
        proxy.put("LC_ALL", "C.UTF-8");
        proxy.put("XDG_RUNTIME_DIR", "/run/user/1000");
        proxy.put("MCPD_ENGINES", "containers,hyperd");
        proxy.put("MCPD_HYPERD_PATH", "/opt/hyperd");
        proxy.put("MCPD_DAEMON_IDLE_TIMEOUT", "1m");
        proxy.put("MCPD_TCP_LISTEN", "127.0.0.1:0");
        proxy.put("DOCKER_HOST", "tcp://remote:2375");
        proxy.put("MCPD_CONTAINER_HOST", "unix:///run/podman.sock");
        proxy.put("DOCKER_CONFIG", "/home/u/.docker");
        proxy.put("MCPD_HOST_PID", "42");
        proxy.put("MCPD_TCP_TOKEN", "ab".repeat(32));
        proxy.put("MCPD_STATE_DIR", "relative/state");
        proxy.put("ANTHROPIC_API_KEY", "secret");
        proxy.put("SSH_AUTH_SOCK", "/tmp/ssh");

        Map<String, String> daemon = McpdCli.daemonEnvironment(proxy, Path.of("/run/user/1000/mcpd"));

        assertThat(daemon).containsOnlyKeys("HOME", "PATH", "LC_ALL", "XDG_RUNTIME_DIR", "MCPD_ENGINES", "MCPD_HYPERD_PATH",
                "MCPD_DAEMON_IDLE_TIMEOUT", "MCPD_TCP_LISTEN", "MCPD_STATE_DIR");
        assertThat(daemon).containsEntry("MCPD_STATE_DIR", "/run/user/1000/mcpd").containsEntry("MCPD_ENGINES", "containers,hyperd");
    }

    @Test
    void theHelloForwardsPerSessionVariablesOnlyAndNeverTheHyperdBinary() {
        assertThat(McpdCli.FORWARDED_ENV).contains("DOCKER_HOST", "MCPD_CONTAINER_HOST").doesNotContain("MCPD_HYPERD_PATH");
        assertThat(McpdCli.FORWARDED_ENV).doesNotContainAnyElementsOf(McpdCli.DAEMON_SETTINGS);
    }

    @Test
    void everyDaemonWideSettingIsAKnownKey() {
        assertThat(McpdConfig.KEYS).containsAll(McpdCli.DAEMON_SETTINGS);
    }

    @Test
    void everyDaemonSettingReachesALaunchedDaemon() { // a new MCPD_DAEMON_* key left out was silently dropped
        assertThat(McpdCli.DAEMON_SETTINGS).containsAll(
                McpdConfig.KEYS.stream().filter(key -> key.startsWith("MCPD_DAEMON_")).toList());
    }

    @Test
    void aSessionIsToldEachDaemonWideSettingItAsksForDifferently() {
        Map<String, String> ours = Map.of("MCPD_ENGINES", "diagnostics", "MCPD_DAEMON_IDLE_TIMEOUT", "5m", "DOCKER_HOST", "x");
        Map<String, String> daemons = Map.of("MCPD_ENGINES", "containers", "MCPD_DAEMON_IDLE_TIMEOUT", "5m",
                "MCPD_HYPERD_PATH", "/opt/hyperd");

        assertThat(DaemonSettingsCheck.differences(ours, daemons)).containsExactly(
                "MCPD_ENGINES=diagnostics (daemon: containers)", "MCPD_HYPERD_PATH=unset (daemon: /opt/hyperd)");
        assertThat(DaemonSettingsCheck.differences(daemons, daemons)).isEmpty();
    }
}
