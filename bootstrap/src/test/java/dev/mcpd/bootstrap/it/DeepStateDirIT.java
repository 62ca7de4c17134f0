package dev.mcpd.bootstrap.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * B-T2 end to end: a state dir so deep that no socket path near it fits {@code sun_path}. The daemon listens in
 * Linux's abstract namespace, announces that endpoint in {@code daemon.json}, and a host's proxy reaches it.
 */
class DeepStateDirIT {

    private McpdHarness mcpd;
    private Path deep;

    @BeforeEach
    void deepStateDir() throws Exception {
        mcpd = new McpdHarness();
        deep = mcpd.stateDir().resolve("d".repeat(60)).resolve("e".repeat(60)).resolve("state");
        mcpd.env("MCPD_STATE_DIR", deep.toString());
    }

    @AfterEach
    void stop() throws Exception {
        try (McpdHarness.StdioSession session = mcpd.serve()) {
            session.initialize();
            session.callTool("daemon_stop", Map.of(), java.time.Duration.ofSeconds(10));
        } catch (Exception e) {
            // already gone
        }
        mcpd.close();
    }

    @Test
    void theDaemonListensInTheAbstractNamespaceAndTheProxyReachesIt() throws Exception {
        try (McpdHarness.StdioSession session = mcpd.serve()) {
            session.initialize();
            Map<String, Object> status = session.daemonStatus();
            Map<?, ?> record = new ObjectMapper().readValue(deep.resolve("daemon.json").toFile(), Map.class);
            assertThat(((Number) status.get("pid")).longValue()).as("served by the daemon, not in-process")
                    .isEqualTo(((Number) record.get("pid")).longValue());
            assertThat(record.get("endpoints").toString()).containsPattern("unix://@mcpd-[0-9a-f]{16}");
        }
        try (var files = Files.walk(mcpd.stateDir())) {
            assertThat(files.filter(p -> p.getFileName().toString().endsWith(".sock"))).as("no socket file").isEmpty();
        }
    }
}
