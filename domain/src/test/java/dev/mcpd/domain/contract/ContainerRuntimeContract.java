package dev.mcpd.domain.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.mcpd.domain.error.ContainerRuntimeException;
import dev.mcpd.domain.model.container.ContainerDetails;
import dev.mcpd.domain.model.container.ContainerFilter;
import dev.mcpd.domain.model.container.ContainerRunSpec;
import dev.mcpd.domain.model.container.ContainerState;
import dev.mcpd.domain.model.container.ContainerSummary;
import dev.mcpd.domain.model.container.LabelSelector;
import dev.mcpd.domain.model.container.LogLine;
import dev.mcpd.domain.model.container.LogQuery;
import dev.mcpd.domain.model.container.LogStream;
import dev.mcpd.domain.model.container.RunResult;
import dev.mcpd.domain.model.container.RuntimeInfo;
import dev.mcpd.domain.model.container.StartResult;
import dev.mcpd.domain.model.container.StopResult;
import dev.mcpd.domain.port.ContainerRuntime;
import dev.mcpd.domain.testing.TestTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link ContainerRuntime} passes (B-B1, B-B2, B-B4; invariants 1-7 of the port).
 *
 * <p>Every container a test makes carries the label {@value #TEST_LABEL}{@code =1} and a per-instance run label,
 * and is force-removed after the test, whatever its outcome.
 */
public abstract class ContainerRuntimeContract {

    /** The label every test container carries, so that a suite can clean up by label. */
    public static final String TEST_LABEL = "dev.mcpd.test";

    /** A label whose value is unique to this test instance. */
    public static final String RUN_LABEL = "dev.mcpd.test.run";

    protected ContainerRuntime runtime;

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final List<String> made = new CopyOnWriteArrayList<>();

    /** The runtime under test; each test gets a new one. */
    protected abstract ContainerRuntime newRuntime() throws Exception;

    /** Releases what {@link #newRuntime()} or {@link #unreachableRuntime()} made; by default nothing. */
    protected void release(ContainerRuntime runtime) throws Exception {}

    /** A runtime whose endpoint nothing answers at (e.g. a socket path that does not exist). */
    protected abstract ContainerRuntime unreachableRuntime() throws Exception;

    /** An image that is present locally. */
    protected abstract String image();

    /**
     * A container of {@link #image()} that writes {@code line} and a newline to stdout once, then runs until stopped,
     * and exits within a second of SIGTERM once {@code line} is in its logs (its SIGTERM handler is in place before
     * it writes: a shell that is PID 1 ignores a SIGTERM that comes before its trap). The contract adds a name and
     * the test labels.
     */
    protected abstract ContainerRunSpec.Builder echoThenWait(String line);

    @BeforeEach
    void createRuntime() throws Exception {
        runtime = newRuntime();
    }

    @AfterEach
    void removeEveryContainerMade() throws Exception {
        try {
            for (String id : made) {
                try {
                    runtime.removeContainer(id, true, deadline());
                } catch (ContainerRuntimeException.NoSuchContainer gone) {
                    // removed by the test itself, or auto-removed
                }
            }
        } finally {
            release(runtime);
        }
    }

    protected static Instant deadline() {
        return Instant.now().plus(TestTime.scaled(Duration.ofSeconds(30)));
    }

    /** A fresh container name unique to this test. */
    protected String uniqueName() {
        return "mcpd-test-" + run + "-" + UUID.randomUUID().toString().substring(0, 6);
    }

    /** Runs {@link #echoThenWait} with a unique name and the test labels; it is removed after the test. */
    protected RunResult runEchoing(String line) throws InterruptedException {
        return run(echoThenWait(line).name(uniqueName()));
    }

    /**
     * {@link #runEchoing}, then waits for the line in its logs: only then does it exit promptly on SIGTERM. A test
     * that stops it at once would race its start-up on a loaded machine.
     */
    protected RunResult runEchoingAndReady(String line) throws InterruptedException {
        RunResult result = runEchoing(line);
        await().atMost(TestTime.scaled(Duration.ofSeconds(10))).untilAsserted(() -> assertThat(
                runtime.containerLogs(result.id(), LogQuery.all(), deadline())).extracting(LogLine::text).contains(line));
        return result;
    }

    /** Runs {@code spec} with the test labels added; it is removed after the test. */
    protected RunResult run(ContainerRunSpec.Builder spec) throws InterruptedException {
        RunResult result = runtime.runContainer(spec.label(TEST_LABEL, "1").label(RUN_LABEL, run).build(), deadline());
        made.add(result.id());
        return result;
    }

    private ContainerFilter thisRun(boolean all) {
        return new ContainerFilter(all, List.of()).withLabel(RUN_LABEL, run);
    }

    @Test
    void runsAContainerThatTheListShowsRunningWithItsLabels() throws Exception {
        RunResult result = runEchoing("hello");

        List<ContainerSummary> listed = runtime.listContainers(thisRun(false), deadline());

        assertThat(listed).singleElement().satisfies(summary -> {
            assertThat(summary.id()).isEqualTo(result.id());
            assertThat(summary.state()).isEqualTo(ContainerState.RUNNING);
            assertThat(summary.labels()).containsEntry(TEST_LABEL, "1").containsEntry(RUN_LABEL, run);
            assertThat(summary.image()).contains(imageRepository());
            assertThat(summary.name()).startsWith("mcpd-test-").doesNotStartWith("/");
        });
    }

    @Test
    void aLabelFilterSelectsOnlyMatchingContainers() throws Exception {
        runEchoing("one");
        List<ContainerSummary> other = runtime.listContainers(
                new ContainerFilter(true, List.of()).withLabel(RUN_LABEL, run + "-other"), deadline());
        assertThat(other).isEmpty();
        List<ContainerSummary> byKey = runtime.listContainers(
                new ContainerFilter(true, List.of(LabelSelector.present(RUN_LABEL))),
                deadline());
        assertThat(byKey).extracting(summary -> summary.labels().get(RUN_LABEL)).contains(run);
    }

    @Test
    void listingWithoutAllHidesStoppedContainersAndWithAllShowsThem() throws Exception {
        RunResult result = runEchoing("bye");
        runtime.stopContainer(result.id(), Duration.ofSeconds(5), deadline());

        assertThat(runtime.listContainers(thisRun(false), deadline())).isEmpty();
        assertThat(runtime.listContainers(thisRun(true), deadline()))
                .singleElement()
                .satisfies(summary -> assertThat(summary.state()).isEqualTo(ContainerState.EXITED));
    }

    @Test
    void inspectsAContainerByNameAndById() throws Exception {
        String name = uniqueName();
        RunResult result = run(echoThenWait("x").name(name));

        ContainerDetails byName = runtime.inspectContainer(name, deadline());
        ContainerDetails byId = runtime.inspectContainer(result.id(), deadline());
        ContainerDetails byShortId = runtime.inspectContainer(result.id().substring(0, 12), deadline());

        assertThat(byName.id()).isEqualTo(result.id());
        assertThat(byId.name()).isEqualTo(name);
        assertThat(byShortId.id()).isEqualTo(result.id());
        assertThat(byName.state()).isEqualTo(ContainerState.RUNNING);
        assertThat(byName.labels()).containsEntry(TEST_LABEL, "1");
        assertThat(byName.image()).contains(imageRepository());
        assertThat(byName.startedAt()).isNotNull();
    }

    @Test
    void readsTheOutputOfARunningContainer() throws Exception {
        RunResult result = runEchoing("hello from mcpd");

        await().atMost(TestTime.scaled(Duration.ofSeconds(10))).untilAsserted(() -> assertThat(
                runtime.containerLogs(result.id(), LogQuery.all(), deadline()))
                .extracting(LogLine::text).contains("hello from mcpd"));
        List<LogLine> lines = runtime.containerLogs(result.id(), LogQuery.all(), deadline());
        assertThat(lines).filteredOn(line -> line.text().equals("hello from mcpd"))
                .allSatisfy(line -> {
                    assertThat(line.stream()).isEqualTo(LogStream.STDOUT);
                    assertThat(line.timestamp()).isNull();
                });
    }

    @Test
    void logsHonourTailAndTimestamps() throws Exception {
        RunResult result = runEchoing("stamped");
        await().atMost(TestTime.scaled(Duration.ofSeconds(10))).until(() ->
                !runtime.containerLogs(result.id(), LogQuery.all(), deadline()).isEmpty());

        List<LogLine> stamped = runtime.containerLogs(result.id(), new LogQuery(1, null, true), deadline());
        assertThat(stamped).singleElement().satisfies(line -> {
            assertThat(line.text()).isEqualTo("stamped");
            assertThat(line.timestamp()).isNotNull()
                    .isBefore(Instant.now().plusSeconds(60)).isAfter(Instant.now().minusSeconds(600));
        });
        assertThat(runtime.containerLogs(result.id(), LogQuery.last(0), deadline())).isEmpty();
        assertThat(runtime.containerLogs(result.id(), new LogQuery(null, Instant.now().plusSeconds(3600), false),
                deadline())).isEmpty();
    }

    @Test
    void stopsARunningContainerPromptlyAndReportsAlreadyStoppedTheSecondTime() throws Exception {
        RunResult result = runEchoingAndReady("stop me");

        long start = System.nanoTime();
        StopResult first = runtime.stopContainer(result.id(), Duration.ofSeconds(30), deadline());
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(first).isEqualTo(StopResult.STOPPED);
        assertThat(took).as("a container that exits on SIGTERM stops well before its 30 s timeout")
                .isLessThan(TestTime.millis(5000));
        assertThat(runtime.inspectContainer(result.id(), deadline()).state()).isEqualTo(ContainerState.EXITED);
        assertThat(runtime.stopContainer(result.id(), Duration.ofSeconds(10), deadline()))
                .isEqualTo(StopResult.ALREADY_STOPPED);
    }

    @Test
    void startsAStoppedContainerAndReportsAlreadyRunning() throws Exception {
        RunResult result = runEchoingAndReady("again");
        assertThat(runtime.startContainer(result.id(), deadline())).isEqualTo(StartResult.ALREADY_RUNNING);
        runtime.stopContainer(result.id(), Duration.ofSeconds(5), deadline());

        assertThat(runtime.startContainer(result.id(), deadline())).isEqualTo(StartResult.STARTED);
        assertThat(runtime.inspectContainer(result.id(), deadline()).state()).isEqualTo(ContainerState.RUNNING);
    }

    @Test
    void restartsAContainer() throws Exception {
        RunResult result = runEchoingAndReady("restart");
        Instant firstStart = runtime.inspectContainer(result.id(), deadline()).startedAt();

        runtime.restartContainer(result.id(), Duration.ofSeconds(5), deadline());

        ContainerDetails after = runtime.inspectContainer(result.id(), deadline());
        assertThat(after.state()).isEqualTo(ContainerState.RUNNING);
        assertThat(after.startedAt()).isAfterOrEqualTo(firstStart);
    }

    @Test
    void removingARunningContainerNeedsForce() throws Exception {
        RunResult result = runEchoing("rm");

        assertThatThrownBy(() -> runtime.removeContainer(result.id(), false, deadline()))
                .isInstanceOf(ContainerRuntimeException.Conflict.class);
        runtime.removeContainer(result.id(), true, deadline());

        assertThatThrownBy(() -> runtime.inspectContainer(result.id(), deadline()))
                .isInstanceOf(ContainerRuntimeException.NoSuchContainer.class);
        assertThat(runtime.listContainers(thisRun(true), deadline())).isEmpty();
    }

    @Test
    void removesAStoppedContainerWithoutForce() throws Exception {
        RunResult result = runEchoingAndReady("rm stopped");
        runtime.stopContainer(result.id(), Duration.ofSeconds(5), deadline());

        runtime.removeContainer(result.id(), false, deadline());

        assertThat(runtime.listContainers(thisRun(true), deadline())).isEmpty();
    }

    @Test
    void anUnknownContainerIsNoSuchContainerForEveryOperation() {
        String ghost = "mcpd-no-such-container-" + run;
        List<ThrowingCall> calls = List.of(
                () -> runtime.inspectContainer(ghost, deadline()),
                () -> runtime.startContainer(ghost, deadline()),
                () -> runtime.stopContainer(ghost, Duration.ofSeconds(1), deadline()),
                () -> runtime.restartContainer(ghost, Duration.ofSeconds(1), deadline()),
                () -> runtime.removeContainer(ghost, true, deadline()),
                () -> runtime.containerLogs(ghost, LogQuery.all(), deadline()));
        for (ThrowingCall call : calls) {
            assertThatThrownBy(call::run)
                    .isInstanceOfSatisfying(ContainerRuntimeException.NoSuchContainer.class,
                            e -> assertThat(e.container()).isEqualTo(ghost))
                    .hasMessageContaining(ghost);
        }
    }

    @Test
    void aNameInUseIsAConflict() throws Exception {
        String name = uniqueName();
        run(echoThenWait("first").name(name));

        assertThatThrownBy(() -> run(echoThenWait("second").name(name)))
                .isInstanceOf(ContainerRuntimeException.Conflict.class);
    }

    @Test
    void anUnknownImageIsNoSuchImage() {
        assertThatThrownBy(() -> run(ContainerRunSpec.builder("localhost/mcpd-no-such-image:" + run)
                        .network("none").command("true")))
                .isInstanceOfSatisfying(ContainerRuntimeException.NoSuchImage.class,
                        e -> assertThat(e.image()).contains("mcpd-no-such-image"));
    }

    @Test
    void listsTheLocalImages() throws Exception {
        assertThat(runtime.listImages(deadline()))
                .anySatisfy(image -> {
                    assertThat(image.tags()).anySatisfy(tag -> assertThat(tag).contains(imageRepository()));
                    assertThat(image.sizeBytes()).isPositive();
                    assertThat(image.id()).isNotBlank();
                });
    }

    @Test
    void describesItself() throws Exception {
        RuntimeInfo info = runtime.runtimeInfo(deadline());
        assertThat(info.endpoint()).isEqualTo(runtime.endpoint());
        assertThat(info.name()).isNotBlank();
        assertThat(info.apiVersion()).matches("\\d+\\.\\d+");
        assertThat(runtime.availability().isAvailable()).as(runtime.availability().toString()).isTrue();
    }

    @Test
    void aRuntimeThatIsDownFailsFastNamingItsEndpoint() throws Exception {
        ContainerRuntime down = unreachableRuntime();
        try {
            long start = System.nanoTime();
            assertThatThrownBy(() -> down.listContainers(ContainerFilter.running(), deadline()))
                    .isInstanceOfSatisfying(ContainerRuntimeException.Unreachable.class,
                            e -> assertThat(e.endpoint()).isEqualTo(down.endpoint()))
                    .hasMessageContaining(down.endpoint());
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(TestTime.millis(2000));
            assertThat(down.availability().isAvailable()).isFalse();
            assertThat(down.availability().reason()).contains(down.endpoint());
        } finally {
            release(down);
        }
    }

    @Test
    void aDeadlineAlreadyPassedFailsAtOnce() {
        long start = System.nanoTime();
        assertThatThrownBy(() -> runtime.listContainers(ContainerFilter.running(), Instant.now().minusSeconds(1)))
                .isInstanceOf(ContainerRuntimeException.DeadlineExceeded.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(TestTime.millis(500));
    }

    @Test
    void servesConcurrentCalls() throws Exception {
        RunResult result = runEchoing("busy");
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<ContainerDetails>> inspections = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                inspections.add(pool.submit(() -> runtime.inspectContainer(result.id(), deadline())));
            }
            for (Future<ContainerDetails> inspection : inspections) {
                assertThat(inspection.get().id()).isEqualTo(result.id());
            }
        }
    }

    /** The repository part of {@link #image()}, e.g. {@code mcpd-busybox} for {@code localhost/mcpd-busybox:latest}. */
    private String imageRepository() {
        String image = image();
        int slash = image.lastIndexOf('/');
        int colon = image.lastIndexOf(':');
        return image.substring(slash + 1, colon > slash ? colon : image.length());
    }

    @FunctionalInterface
    private interface ThrowingCall {
        void run() throws Exception;
    }
}
