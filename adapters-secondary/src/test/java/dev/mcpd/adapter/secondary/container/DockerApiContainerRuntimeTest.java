package dev.mcpd.adapter.secondary.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.fail;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import dev.mcpd.domain.contract.ContainerRuntimeContract;
import dev.mcpd.domain.error.ContainerRuntimeException;
import dev.mcpd.domain.model.container.ContainerDetails;
import dev.mcpd.domain.model.container.ContainerFilter;
import dev.mcpd.domain.model.container.ContainerRunSpec;
import dev.mcpd.domain.model.container.ContainerState;
import dev.mcpd.domain.model.container.ContainerSummary;
import dev.mcpd.domain.model.container.LogQuery;
import dev.mcpd.domain.model.container.RunResult;
import dev.mcpd.domain.model.container.RuntimeInfo;
import dev.mcpd.domain.model.container.StopResult;
import dev.mcpd.domain.port.ContainerRuntime;
import dev.mcpd.domain.testing.TestTime;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Docker Engine API adapter against the real Podman service that {@code scripts/setup-podman.sh} starts
 * (socket from {@code MCPD_TEST_PODMAN_SOCK}, default {@value #DEFAULT_SOCKET}; image {@value #IMAGE}). A missing
 * socket fails the suite unless {@code MCPD_TEST_SKIP_PODMAN=1}. Every container runs with {@code --network none},
 * carries the labels {@code dev.mcpd.test=1} and a per-suite label, and is removed after its test; the suite label
 * sweeps any leftover at the end.
 */
class DockerApiContainerRuntimeTest extends ContainerRuntimeContract {

    static final String DEFAULT_SOCKET = "/run/mcpd-test/podman.sock";
    static final String IMAGE = "localhost/mcpd-busybox:latest";
    static final String SUITE_LABEL = "dev.mcpd.test.suite";

    private static final Logger log = LoggerFactory.getLogger(DockerApiContainerRuntimeTest.class);
    private static final String SUITE = UUID.randomUUID().toString();
    private static final String SOCKET = System.getenv().getOrDefault("MCPD_TEST_PODMAN_SOCK", DEFAULT_SOCKET);

    static {
        // The HTTP client's and docker-java's debug logs would bury the test output (the module has no logback-test.xml).
        for (String noisy : List.of("org.apache.hc", "com.github.dockerjava")) {
            ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(noisy).setLevel(Level.INFO);
        }
    }

    @TempDir
    Path temp;

    @BeforeAll
    static void requirePodman() {
        if (Files.exists(Path.of(SOCKET))) {
            return;
        }
        String message = "no Podman service socket at " + SOCKET + ": run `sudo scripts/setup-podman.sh` (or point "
                + "MCPD_TEST_PODMAN_SOCK at a running `podman system service`)";
        if ("1".equals(System.getenv("MCPD_TEST_SKIP_PODMAN"))) {
            Assumptions.abort(message + "; skipped because MCPD_TEST_SKIP_PODMAN=1");
        }
        fail(message + ", or set MCPD_TEST_SKIP_PODMAN=1 to skip these tests");
    }

    @AfterAll
    static void removeLeftoversOfThisSuite() throws Exception {
        if (!Files.exists(Path.of(SOCKET))) {
            return;
        }
        try (DockerApiContainerRuntime sweeper = podman()) {
            Instant deadline = Instant.now().plusSeconds(30);
            for (ContainerSummary leftover : sweeper.listContainers(
                    new ContainerFilter(true, List.of()).withLabel(SUITE_LABEL, SUITE), deadline)) {
                log.warn("removing leftover test container {}", leftover.name());
                sweeper.removeContainer(leftover.id(), true, deadline);
            }
        }
    }

    private static DockerApiContainerRuntime podman() {
        return new DockerApiContainerRuntime(ContainerHost.of("unix://" + SOCKET, "MCPD_TEST_PODMAN_SOCK"),
                DockerApiContainerRuntimeConfig.defaults());
    }

    @Override
    protected ContainerRuntime newRuntime() {
        return podman();
    }

    @Override
    protected void release(ContainerRuntime runtime) {
        ((DockerApiContainerRuntime) runtime).close();
    }

    @Override
    protected ContainerRuntime unreachableRuntime() {
        return new DockerApiContainerRuntime(ContainerHost.of("unix://" + temp.resolve("no-such.sock"), "test"),
                DockerApiContainerRuntimeConfig.defaults());
    }

    @Override
    protected String image() {
        return IMAGE;
    }

    /** busybox sh that traps SIGTERM to exit 0, then prints, then loops in 0.1 s sleeps (trap first: see the contract). */
    @Override
    protected ContainerRunSpec.Builder echoThenWait(String line) {
        return ContainerRunSpec.builder(IMAGE)
                .command("sh", "-c", "trap 'exit 0' TERM; echo \"$MCPD_TEST_LINE\"; while :; do sleep 0.1; done")
                .env("MCPD_TEST_LINE", line)
                .network("none")
                .label(SUITE_LABEL, SUITE);
    }

    private ContainerRunSpec.Builder ignoringSigterm() {
        return ContainerRunSpec.builder(IMAGE)
                .name(uniqueName())
                .command("sh", "-c", "trap '' TERM; echo ready; while :; do sleep 0.1; done")
                .network("none")
                .label(SUITE_LABEL, SUITE);
    }

    private static Instant soon() {
        return Instant.now().plus(TestTime.scaled(Duration.ofSeconds(30)));
    }

    @Test
    void negotiatesTheApiVersionWithPodman() throws Exception {
        RuntimeInfo info = runtime.runtimeInfo(soon());

        assertThat(info.name()).contains("Podman");
        assertThat(info.apiVersion()).as("Podman 4 speaks Docker API 1.41").isEqualTo("1.41");
        assertThat(info.endpoint()).isEqualTo("unix://" + SOCKET);
        assertThat(info.source()).isEqualTo("MCPD_TEST_PODMAN_SOCK");
        log.info("runtime: {}", info);
    }

    @Test
    void stopsATrappingContainerWellUnderASecond() throws Exception {
        RunResult result = runEchoing("trap");

        long start = System.nanoTime();
        StopResult stopped = runtime.stopContainer(result.id(), Duration.ofSeconds(10), soon());
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        log.info("stop of a SIGTERM-trapping container took {} ms", took.toMillis());
        assertThat(stopped).isEqualTo(StopResult.STOPPED);
        assertThat(took).isLessThan(TestTime.millis(1000));
    }

    @Test
    void stopsAnInitContainerWellUnderASecond() throws Exception {
        RunResult result = run(ContainerRunSpec.builder(IMAGE).name(uniqueName()).init(true).network("none")
                .command("sleep", "600").label(SUITE_LABEL, SUITE));
        ContainerDetails details = runtime.inspectContainer(result.id(), soon());
        assertThat(details.init()).isTrue();
        assertThat(details.network()).isEqualTo("none");

        long start = System.nanoTime();
        runtime.stopContainer(result.id(), Duration.ofSeconds(30), soon());
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        log.info("stop of an --init container took {} ms", took.toMillis());
        // Well before its 30 s timeout, with room for a loaded machine.
        assertThat(took).isLessThan(TestTime.millis(5000));
    }

    @Test
    void killsAContainerThatIgnoresSigtermWhenItsTimeoutRunsOut() throws Exception {
        RunResult result = run(ignoringSigterm());

        long start = System.nanoTime();
        StopResult stopped = runtime.stopContainer(result.id(), Duration.ofSeconds(1), soon());
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        log.info("stop (timeout 1 s) of a container ignoring SIGTERM took {} ms", took.toMillis());
        assertThat(stopped).isEqualTo(StopResult.STOPPED);
        assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(900)).isLessThan(TestTime.millis(6000));
        ContainerDetails after = runtime.inspectContainer(result.id(), soon());
        assertThat(after.state()).isEqualTo(ContainerState.EXITED);
        assertThat(after.exitCode()).isEqualTo(137);
    }

    @Test
    void aFirstCallIsNotCutShortByTheVersionNegotiationBound() throws Exception {
        RunResult result = run(ignoringSigterm());
        Duration negotiation = Duration.ofSeconds(1);
        try (DockerApiContainerRuntime fresh = new DockerApiContainerRuntime(
                ContainerHost.of("unix://" + SOCKET, "MCPD_TEST_PODMAN_SOCK"),
                new DockerApiContainerRuntimeConfig(Duration.ofSeconds(2), negotiation, 32))) {
            long start = System.nanoTime();
            StopResult stopped = fresh.stopContainer(result.id(), Duration.ofSeconds(3), soon());
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            assertThat(stopped).isEqualTo(StopResult.STOPPED);
            assertThat(took).isGreaterThan(negotiation);
        }
    }

    @Test
    void aCommandThatCannotStartLeavesNoContainerBehind() {
        String name = uniqueName();
        assertThatThrownBy(() -> run(ContainerRunSpec.builder(IMAGE).name(name).network("none")
                        .command("/no/such/program").label(SUITE_LABEL, SUITE)))
                .isInstanceOfSatisfying(ContainerRuntimeException.Failure.class,
                        e -> assertThat(e.getMessage()).contains("/no/such/program"));
        assertThatThrownBy(() -> runtime.inspectContainer(name, soon()))
                .isInstanceOf(ContainerRuntimeException.NoSuchContainer.class);
    }

    @Test
    void aStopThatOutlivesItsDeadlineFailsAtTheDeadline() throws Exception {
        RunResult result = run(ignoringSigterm());

        long start = System.nanoTime();
        assertThatThrownBy(() -> runtime.stopContainer(result.id(), Duration.ofSeconds(10),
                Instant.now().plusMillis(500)))
                .isInstanceOfSatisfying(ContainerRuntimeException.DeadlineExceeded.class,
                        e -> assertThat(e.operation()).isEqualTo("stop"))
                .hasMessageContaining("unix://" + SOCKET);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(TestTime.millis(1500));
        assertThat(runtime.listContainers(ContainerFilter.everything(), soon())).isNotNull();
    }

    @Test
    void aStaleSocketFileIsUnreachableWithinTwoSeconds() throws Exception {
        Path stale = temp.resolve("stale.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(stale));
        }
        assertThat(stale).exists();
        try (DockerApiContainerRuntime dead = new DockerApiContainerRuntime(ContainerHost.of("unix://" + stale, "test"),
                DockerApiContainerRuntimeConfig.defaults())) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> dead.listContainers(ContainerFilter.running(), soon()))
                    .isInstanceOf(ContainerRuntimeException.Unreachable.class)
                    .hasMessageContaining("unix://" + stale);
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            log.info("a stale socket was reported unreachable in {} ms", took.toMillis());
            assertThat(took).isLessThan(TestTime.millis(2000));
            assertThat(dead.availability().isAvailable()).isFalse();
        }
    }

    @Test
    void aRuntimeThatAcceptsButNeverAnswersIsUnreachableAfterTheNegotiationTimeout() throws Exception {
        Path mute = temp.resolve("mute.sock");
        DockerApiContainerRuntimeConfig oneSecond = new DockerApiContainerRuntimeConfig(Duration.ofSeconds(2),
                Duration.ofSeconds(1), 32);
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
                DockerApiContainerRuntime silent = new DockerApiContainerRuntime(
                        ContainerHost.of("unix://" + mute, "test"), oneSecond)) {
            server.bind(UnixDomainSocketAddress.of(mute));
            long start = System.nanoTime();
            assertThatThrownBy(() -> silent.listContainers(ContainerFilter.running(), soon()))
                    .isInstanceOf(ContainerRuntimeException.Unreachable.class)
                    .hasMessageContaining("unix://" + mute)
                    .hasMessageContaining("did not answer GET /version within 1000 ms");
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(900)).isLessThan(TestTime.millis(2500));
        }
    }

    @Test
    void aConnectedRuntimeThatAnswersSlowlyIsWaitedForNotCalledUnreachable() throws Exception { // down is told from slow
        Path slow = temp.resolve("slow.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
                DockerApiContainerRuntime runtime = new DockerApiContainerRuntime(
                        ContainerHost.of("unix://" + slow, "test"), DockerApiContainerRuntimeConfig.defaults())) {
            server.bind(UnixDomainSocketAddress.of(slow));
            Thread answerer = Thread.ofPlatform().daemon().start(() -> answerVersionAfter(server, Duration.ofSeconds(3)));
            long start = System.nanoTime();

            RuntimeInfo info = runtime.runtimeInfo(Instant.now().plus(TestTime.scaled(Duration.ofSeconds(30))));

            Duration took = Duration.ofNanos(System.nanoTime() - start);
            log.info("a runtime answering GET /version after 3 s was waited for: {} ms", took.toMillis());
            assertThat(info.name()).isEqualTo("Podman Engine");
            assertThat(info.version()).isEqualTo("4.9.3");
            assertThat(info.apiVersion()).isEqualTo("1.41");
            assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(2900));
            assertThat(runtime.availability().isAvailable()).isTrue();
            answerer.join(5000);
        }
    }

    /** A one-request Docker API: reads the request head, waits {@code delay}, answers {@code GET /version}. */
    private static void answerVersionAfter(ServerSocketChannel server, Duration delay) {
        try (SocketChannel client = server.accept()) {
            InputStream in = Channels.newInputStream(client);
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    return;
                }
                head.append((char) b);
            }
            assertThat(head.toString()).startsWith("GET /version ");
            Thread.sleep(delay.toMillis()); // the slow runtime itself, not synchronisation
            String body = "{\"Version\":\"4.9.3\",\"ApiVersion\":\"1.41\",\"MinAPIVersion\":\"1.24\","
                    + "\"Components\":[{\"Name\":\"Podman Engine\",\"Version\":\"4.9.3\"}]}";
            String response = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                    + body.getBytes(StandardCharsets.UTF_8).length + "\r\nConnection: close\r\n\r\n" + body;
            client.write(ByteBuffer.wrap(response.getBytes(StandardCharsets.UTF_8)));
        } catch (IOException | InterruptedException e) {
            log.warn("the fake runtime failed", e);
        }
    }

    @Test
    void anEndpointTheResolverRejectedIsNeverConnectedTo() throws Exception { // review finding 21, ADR 0014
        Path theirs = temp.resolve("theirs.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(theirs));
            server.configureBlocking(false);
            ContainerHost rejected = new ContainerHostResolver(null,
                    path -> path.equals(theirs) ? "a socket of uid 65534, neither this user's nor root's" : "no such socket")
                    .resolve(Map.of("DOCKER_HOST", "unix://" + theirs));
            try (DockerApiContainerRuntime runtime = new DockerApiContainerRuntime(rejected,
                    DockerApiContainerRuntimeConfig.defaults())) {
                assertThatThrownBy(() -> runtime.listImages(soon()))
                        .isInstanceOf(ContainerRuntimeException.Unreachable.class)
                        .hasMessageContaining("uid 65534");
            }
            assertThat(server.accept()).as("no connection was ever made to it").isNull();
        }
    }

    @Test
    void aMissingSocketIsUnreachableAtOnce() throws Exception { // down is told from slow
        try (DockerApiContainerRuntime missing = new DockerApiContainerRuntime(
                ContainerHost.of("unix://" + temp.resolve("never.sock"), "test"), DockerApiContainerRuntimeConfig.defaults())) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> missing.runtimeInfo(soon()))
                    .isInstanceOf(ContainerRuntimeException.Unreachable.class).hasMessageContaining("never.sock");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(TestTime.millis(2000));
        }
    }

    @Test
    void aMissingSocketNamesEverythingTheResolverTried() throws IOException {
        ContainerHost none = new ContainerHostResolver(null, path -> "no such socket").resolve(Map.of());
        try (DockerApiContainerRuntime missing = new DockerApiContainerRuntime(none,
                DockerApiContainerRuntimeConfig.defaults())) {
            assertThatThrownBy(() -> missing.listImages(soon()))
                    .isInstanceOf(ContainerRuntimeException.Unreachable.class)
                    .hasMessageContaining("/var/run/docker.sock")
                    .hasMessageContaining("/run/podman/podman.sock");
            assertThat(missing.availability().reason()).contains("no such socket", "DOCKER_HOST");
        }
    }

    @Test
    void readsStderrAndPartialLines() throws Exception {
        RunResult result = run(ContainerRunSpec.builder(IMAGE).name(uniqueName()).network("none")
                .command("sh", "-c", "echo out; echo err >&2; printf 'no newline'; trap 'exit 0' TERM; "
                        + "while :; do sleep 0.1; done")
                .label(SUITE_LABEL, SUITE));

        await().atMost(TestTime.scaled(Duration.ofSeconds(10))).untilAsserted(() ->
                assertThat(runtime.containerLogs(result.id(), LogQuery.all(), soon()))
                        .extracting(line -> line.stream().wireName() + ":" + line.text())
                        .containsExactlyInAnyOrder("stdout:out", "stderr:err", "stdout:no newline"));
    }
}
