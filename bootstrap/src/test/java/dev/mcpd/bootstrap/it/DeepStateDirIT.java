package dev.mcpd.bootstrap.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpd.domain.testing.TestTime;
import dev.mcpd.testing.McpdProcess;
import dev.mcpd.testing.McpdScope;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * B-T2 end to end: a state dir whose {@code daemon.sock} path is too long for {@code sun_path} (107 bytes). The
 * daemon listens on the short fallback beside the state dir, or, when even that is too long, in Linux's abstract
 * namespace; it announces that endpoint in {@code daemon.json}, a host's proxy reaches it, and it stays up: its
 * endpoint-lost check asks the transport what it bound instead of looking for {@code <state>/daemon.sock}, which
 * never exists here (review finding 3: the daemon used to stop itself about 1 s after starting).
 */
class DeepStateDirIT {

    /** How long the daemon must stay up: five expiration checks (one a second), scaled for slow machines. */
    private static final Duration STAYS_UP = TestTime.scaled(Duration.ofSeconds(5));

    private McpdScope mcpd;

    @BeforeEach
    void harness() throws Exception {
        mcpd = ItScope.create();
    }

    @AfterEach
    void stop() throws Exception {
        try (McpdProcess session = mcpd.serve()) {
            session.lines().initialize(ItScope.CLIENT, ItScope.INITIALIZE);
            session.lines().callTool("daemon_stop", Map.of(), Duration.ofSeconds(10));
        } catch (Exception | AssertionError e) {
            // already gone
        }
        mcpd.close();
    }

    @Test
    void theDaemonListensInTheAbstractNamespaceStaysUpAndAnswers() throws Exception {
        Path deep = mcpd.stateDir().resolve("d".repeat(60)).resolve("e".repeat(60)).resolve("state");
        mcpd.env("MCPD_STATE_DIR", deep.toString());

        String endpoint = servesForSeveralChecks(deep);

        assertThat(endpoint).matches("unix://@mcpd-[0-9a-f]{16}");
        try (var files = Files.walk(mcpd.stateDir())) {
            assertThat(files.filter(p -> p.getFileName().toString().endsWith(".sock"))).as("no socket file").isEmpty();
        }
    }

    @Test
    void theDaemonListensOnTheShortFallbackStaysUpAndAnswers() throws Exception {
        String base = mcpd.stateDir().toString();
        Path deep = mcpd.stateDir().resolve("s".repeat(100 - base.length()));
        assertThat(deep.resolve("daemon.sock").toString().length()).isGreaterThan(107);
        mcpd.env("MCPD_STATE_DIR", deep.toString());

        String endpoint = servesForSeveralChecks(deep);

        assertThat(endpoint).matches("unix://" + Pattern.quote(base) + "/mcpd-[0-9a-f]{16}\\.sock");
        assertThat(Path.of(endpoint.substring("unix://".length()))).exists();
    }

    @Test
    void aDaemonWhoseFallbackSocketIsRemovedStillStopsAsEndpointLost() throws Exception { // B-L6
        String base = mcpd.stateDir().toString();
        Path deep = mcpd.stateDir().resolve("s".repeat(100 - base.length()));
        mcpd.env("MCPD_STATE_DIR", deep.toString());
        long pid;
        String endpoint;
        try (McpdProcess session = mcpd.serve()) {
            session.lines().initialize(ItScope.CLIENT, ItScope.INITIALIZE);
            pid = ((Number) session.lines().daemonStatus(ItScope.STATUS).get("pid")).longValue();
            Map<?, ?> record = new ObjectMapper().readValue(deep.resolve("daemon.json").toFile(), Map.class);
            endpoint = ((List<?>) record.get("endpoints")).getFirst().toString();
        }
        ProcessHandle daemon = ProcessHandle.of(pid).orElseThrow();
        Files.delete(Path.of(endpoint.substring("unix://".length())));

        await("daemon pid " + pid + " stops once its socket is gone").atMost(TestTime.scaled(Duration.ofSeconds(10)))
                .until(() -> !daemon.isAlive());
        assertThat(Files.readString(deep.resolve("daemon-exits.log")))
                .contains("pid " + pid + " exit 0: expired: endpoint lost: " + endpoint.substring("unix://".length()));
    }

    /**
     * Starts a session, checks the daemon serves it, keeps the daemon under watch for {@link #STAYS_UP} and checks
     * that the same daemon still answers the same session and a new one.
     *
     * @return the Unix endpoint the daemon announced
     */
    private String servesForSeveralChecks(Path deep) throws Exception {
        try (McpdProcess session = mcpd.serve()) {
            session.lines().initialize(ItScope.CLIENT, ItScope.INITIALIZE);
            long pid = ((Number) session.lines().daemonStatus(ItScope.STATUS).get("pid")).longValue();
            Map<?, ?> record = new ObjectMapper().readValue(deep.resolve("daemon.json").toFile(), Map.class);
            assertThat(((Number) record.get("pid")).longValue()).as("served by the daemon, not in-process").isEqualTo(pid);
            ProcessHandle daemon = ProcessHandle.of(pid).orElseThrow();

            await("daemon pid " + pid + " stays up for " + STAYS_UP.toMillis() + " ms (it used to stop itself as"
                    + " 'endpoint lost')").during(STAYS_UP).atMost(STAYS_UP.plusSeconds(5)).until(daemon::isAlive);

            assertThat(((Number) session.lines().daemonStatus(ItScope.STATUS).get("pid")).longValue()).as("the same session, same daemon")
                    .isEqualTo(pid);
            try (McpdProcess second = mcpd.serve()) {
                second.lines().initialize(ItScope.CLIENT, ItScope.INITIALIZE);
                assertThat(((Number) second.lines().daemonStatus(ItScope.STATUS).get("pid")).longValue()).as("a new session joins it")
                        .isEqualTo(pid);
            }
            Path exits = deep.resolve("daemon-exits.log");
            if (Files.exists(exits)) {
                assertThat(Files.readString(exits)).doesNotContain("endpoint lost");
            }
            List<?> endpoints = (List<?>) record.get("endpoints");
            return endpoints.stream().map(Object::toString).filter(e -> e.startsWith("unix://")).findFirst().orElseThrow();
        }
    }
}
