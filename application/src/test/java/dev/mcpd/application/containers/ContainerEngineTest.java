package dev.mcpd.application.containers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcpd.domain.contract.EngineContract;
import dev.mcpd.domain.fake.InMemoryContainerRuntime;
import dev.mcpd.domain.model.Tool;
import dev.mcpd.domain.model.ToolResult;
import dev.mcpd.domain.model.container.ContainerDetails;
import dev.mcpd.domain.model.container.ContainerFilter;
import dev.mcpd.domain.model.container.ContainerRunSpec;
import dev.mcpd.domain.model.container.ContainerState;
import dev.mcpd.domain.model.container.LogStream;
import dev.mcpd.domain.model.container.RunResult;
import dev.mcpd.domain.port.ContainerRuntime;
import dev.mcpd.domain.port.Engine;
import dev.mcpd.domain.testing.ManualClock;
import dev.mcpd.domain.testing.SimpleCallContext;
import dev.mcpd.domain.testing.TestTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class ContainerEngineTest {

    private final InMemoryContainerRuntime runtime = new InMemoryContainerRuntime();
    private final ContainerEngine engine = new ContainerEngine(env -> runtime, ContainerEngineConfig.defaults(),
            Clock.systemUTC());

    @Nested
    class Contract extends EngineContract {
        @Override
        protected Engine newEngine() {
            return new ContainerEngineFactory(env -> new InMemoryContainerRuntime(), ContainerEngineConfig.defaults(),
                    Clock.systemUTC()).create();
        }

        @Override
        protected SampleCall sampleCall() {
            return new SampleCall("list_containers", Map.of("all", true));
        }
    }

    private ToolResult call(String tool, Object... keysAndValues) throws InterruptedException {
        return call(engine, tool, keysAndValues);
    }

    private static ToolResult call(Engine engine, String tool, Object... keysAndValues) throws InterruptedException {
        Map<String, Object> arguments = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            arguments.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        ToolResult result = engine.call(tool, arguments, SimpleCallContext.forSeconds(30));
        if (!result.isError()) {
            Tool declared = engine.tools().stream().filter(t -> t.name().equals(tool)).findFirst().orElseThrow();
            assertThat(result.structuredContent()).as("%s returns structured content", tool).isNotNull();
            assertThat(SchemaCheck.problems(declared.outputSchema(), result.structuredContent()))
                    .as("%s structuredContent matches its outputSchema", tool).isEmpty();
        }
        return result;
    }

    private static String text(ToolResult result) {
        return String.join("\n", result.texts());
    }

    private RunResult runFake(String name, Map<String, String> labels) throws InterruptedException {
        ContainerRunSpec.Builder spec = ContainerRunSpec.builder(InMemoryContainerRuntime.DEFAULT_IMAGE).name(name)
                .command("sh", "-c", "echo hello; sleep 60");
        labels.forEach(spec::label);
        return runtime.runContainer(spec.build(), Instant.now().plusSeconds(5));
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(ToolResult result, String key) {
        return (List<Map<String, Object>>) result.structuredContent().get(key);
    }

    @Test
    void everyToolDeclaresStrictInputAnOutputSchemaAndAnnotations() {
        assertThat(engine.tools()).extracting(Tool::name).containsExactly("list_containers", "inspect_container",
                "run_container", "start_container", "stop_container", "restart_container", "remove_container",
                "container_logs", "list_images");
        for (Tool tool : engine.tools()) {
            assertThat(tool.inputSchema()).containsEntry("additionalProperties", false)
                    .containsEntry("$schema", "https://json-schema.org/draft/2020-12/schema");
            assertThat(tool.outputSchema()).as(tool.name()).isNotNull().containsEntry("type", "object");
            @SuppressWarnings("unchecked")
            Map<String, Map<String, Object>> properties = (Map<String, Map<String, Object>>) tool.inputSchema().get("properties");
            properties.forEach((name, property) -> assertThat(property).as(tool.name() + "." + name).containsKey("description"));
        }
        assertThat(engine.tools()).filteredOn(tool -> Boolean.TRUE.equals(tool.annotations().readOnlyHint()))
                .extracting(Tool::name)
                .containsExactly("list_containers", "inspect_container", "container_logs", "list_images");
        assertThat(engine.tools()).filteredOn(tool -> Boolean.TRUE.equals(tool.annotations().destructiveHint()))
                .extracting(Tool::name).containsExactly("remove_container");
        assertThat(engine.tools()).filteredOn(tool -> Boolean.TRUE.equals(tool.annotations().idempotentHint()))
                .extracting(Tool::name).contains("start_container", "stop_container").doesNotContain("run_container");
    }

    @Test
    void listsRunningContainersAsADockerPsTable() throws Exception {
        RunResult web = runFake("web", Map.of("app", "web"));
        runFake("db", Map.of("app", "db"));

        ToolResult result = call("list_containers");

        assertThat(result.isError()).isFalse();
        assertThat(result.structuredContent()).containsEntry("count", 2);
        assertThat(list(result, "containers")).extracting(row -> row.get("name")).containsExactly("db", "web");
        assertThat(list(result, "containers").get(1)).containsEntry("id", web.id()).containsEntry("state", "running")
                .containsEntry("labels", Map.of("app", "web"));
        String[] lines = text(result).split("\n");
        assertThat(lines[0]).startsWith("CONTAINER ID   IMAGE").contains("COMMAND", "CREATED", "STATUS", "NAMES");
        assertThat(lines[2]).startsWith(web.id().substring(0, 12) + "   localhost/mcpd-busybox:latest")
                .contains("\"sh -c echo hello; s…\"").endsWith("web");
    }

    @Test
    void filtersByLabelValueOrPresence() throws Exception {
        runFake("web", Map.of("app", "web", "team", "a"));
        runFake("db", Map.of("app", "db"));
        Map<String, Object> anyTeam = new LinkedHashMap<>();
        anyTeam.put("team", null);

        assertThat(list(call("list_containers", "labels", Map.of("app", "db")), "containers"))
                .extracting(row -> row.get("name")).containsExactly("db");
        assertThat(list(call("list_containers", "labels", anyTeam), "containers"))
                .extracting(row -> row.get("name")).containsExactly("web");
    }

    @Test
    void anEmptyListSaysHowToSeeStoppedContainers() throws Exception {
        RunResult stopped = runFake("old", Map.of());
        runtime.stopContainer(stopped.id(), Duration.ofSeconds(1), Instant.now().plusSeconds(5));

        ToolResult running = call("list_containers");
        ToolResult all = call("list_containers", "all", true);

        assertThat(running.structuredContent()).containsEntry("count", 0);
        assertThat(text(running)).contains("no running containers; all: true also lists stopped ones");
        assertThat(list(all, "containers")).extracting(row -> row.get("state")).containsExactly("exited");
    }

    @Test
    void inspectsAContainer() throws Exception {
        RunResult web = runFake("web", Map.of("app", "web"));

        ToolResult result = call("inspect_container", "container", "web");

        assertThat(result.structuredContent()).containsEntry("id", web.id()).containsEntry("name", "web")
                .containsEntry("running", true).containsEntry("state", "running")
                .containsEntry("command", List.of("sh", "-c", "echo hello; sleep 60"));
        assertThat(text(result)).startsWith("container web (" + web.id().substring(0, 12) + ")")
                .contains("state:", "running", "labels:", "app=web");
    }

    @Test
    void anUnknownContainerIsAnErrorNamingIt() throws Exception {
        for (String tool : List.of("inspect_container", "start_container", "stop_container", "restart_container",
                "remove_container", "container_logs")) {
            ToolResult result = call(tool, "container", "ghost");
            assertThat(result.isError()).as(tool).isTrue();
            assertThat(text(result)).as(tool).startsWith("no such container 'ghost'").contains("list_containers");
        }
    }

    @Test
    void runsAContainerFromTheGivenSpec() throws Exception {
        ToolResult result = call("run_container",
                "image", InMemoryContainerRuntime.DEFAULT_IMAGE,
                "name", "job",
                "command", List.of("sh", "-c", "echo hi"),
                "env", Map.of("FAKE_STDOUT", "hi"),
                "labels", Map.of("app", "job"),
                "init", true,
                "network", "none",
                "auto_remove", true);

        assertThat(result.isError()).as(text(result)).isFalse();
        assertThat(result.structuredContent()).containsEntry("name", "job").containsEntry("state", "running")
                .containsEntry("image", InMemoryContainerRuntime.DEFAULT_IMAGE).containsEntry("warnings", List.of());
        ContainerDetails details = runtime.inspectContainer("job", Instant.now().plusSeconds(5));
        assertThat(details.id()).isEqualTo(result.structuredContent().get("id"));
        assertThat(details.labels()).containsEntry("app", "job");
        assertThat(details.init()).isTrue();
        assertThat(details.autoRemove()).isTrue();
        assertThat(details.network()).isEqualTo("none");
        assertThat(text(result)).startsWith("started container job (");
    }

    @Test
    void runningAnImageThatIsNotLocalSaysHowToGetIt() throws Exception {
        ToolResult result = call("run_container", "image", "docker.io/library/nginx:latest");

        assertThat(result.isError()).isTrue();
        assertThat(text(result)).startsWith("no such image 'docker.io/library/nginx:latest'")
                .contains("list_images", "podman pull docker.io/library/nginx:latest");
    }

    @Test
    void aNameInUseIsAConflictWithAHint() throws Exception {
        runFake("web", Map.of());

        ToolResult result = call("run_container", "image", InMemoryContainerRuntime.DEFAULT_IMAGE, "name", "web");

        assertThat(result.isError()).isTrue();
        assertThat(text(result)).contains("already in use", "choose another name");
    }

    @Test
    void anInvalidNameIsAnArgumentError() throws Exception {
        ToolResult result = call("run_container", "image", InMemoryContainerRuntime.DEFAULT_IMAGE, "name", "-bad name");

        assertThat(result.isError()).isTrue();
        assertThat(text(result)).startsWith("run_container: container name '-bad name' is invalid");
    }

    @Test
    void stopsAContainerAndSaysWhenItWasAlreadyStopped() throws Exception {
        runFake("web", Map.of());

        ToolResult first = call("stop_container", "container", "web", "timeout_seconds", 3);
        ToolResult second = call("stop_container", "container", "web");

        assertThat(first.isError()).isFalse();
        assertThat(first.structuredContent()).containsEntry("result", "stopped").containsEntry("timeout_seconds", 3L);
        assertThat(text(first)).isEqualTo("stopped container web");
        assertThat(second.isError()).as("already stopped is informative, not an error").isFalse();
        assertThat(second.structuredContent()).containsEntry("result", "already_stopped");
        assertThat(text(second)).isEqualTo("container web was already stopped; nothing to do");
        assertThat(runtime.stopTimeouts()).containsExactly(Duration.ofSeconds(3), Duration.ofSeconds(10));
    }

    @Test
    void startsAContainerAndSaysWhenItWasAlreadyRunning() throws Exception {
        runFake("web", Map.of());

        ToolResult running = call("start_container", "container", "web");
        call("stop_container", "container", "web");
        ToolResult started = call("start_container", "container", "web");

        assertThat(running.isError()).isFalse();
        assertThat(running.structuredContent()).containsEntry("result", "already_running");
        assertThat(started.structuredContent()).containsEntry("result", "started");
    }

    @Test
    void restartsAContainer() throws Exception {
        runFake("web", Map.of());

        ToolResult result = call("restart_container", "container", "web", "timeout_seconds", 2);

        assertThat(result.structuredContent()).containsEntry("result", "restarted");
        assertThat(runtime.stopTimeouts()).containsExactly(Duration.ofSeconds(2));
    }

    @Test
    void removingARunningContainerExplainsForce() throws Exception {
        runFake("web", Map.of());

        ToolResult refused = call("remove_container", "container", "web");
        ToolResult forced = call("remove_container", "container", "web", "force", true);

        assertThat(refused.isError()).isTrue();
        assertThat(text(refused)).contains("running", "pass force: true");
        assertThat(forced.isError()).isFalse();
        assertThat(forced.structuredContent()).containsEntry("result", "removed").containsEntry("forced", true);
        assertThat(runtime.listContainers(ContainerFilter.everything(), Instant.now().plusSeconds(5))).isEmpty();
    }

    @Test
    void readsTheLastLinesOfOutputByDefault() throws Exception {
        runFake("web", Map.of());
        for (int i = 1; i <= 150; i++) {
            runtime.writeLog("web", i % 2 == 0 ? LogStream.STDERR : LogStream.STDOUT, "line " + i);
        }

        ToolResult result = call("container_logs", "container", "web");

        assertThat(result.structuredContent()).containsEntry("count", 100).containsEntry("truncated", false);
        assertThat(list(result, "lines").getFirst()).containsEntry("text", "line 51").containsEntry("stream", "stdout")
                .doesNotContainKey("timestamp");
        assertThat(text(result)).startsWith("line 51\nline 52\n").endsWith("line 150");
    }

    @Test
    void readsLogsWithTailSinceAndTimestamps() throws Exception {
        runFake("web", Map.of());
        runtime.writeLog("web", LogStream.STDOUT, "one");
        runtime.writeLog("web", LogStream.STDOUT, "two");

        ToolResult result = call("container_logs", "container", "web", "tail", 1, "since", "10m", "timestamps", true);

        assertThat(list(result, "lines")).singleElement().satisfies(line -> assertThat(line)
                .containsEntry("text", "two").containsKey("timestamp"));
        assertThat(text(result)).matches("\\d{4}-\\d\\d-\\d\\dT\\S+Z two");
        ToolResult future = call("container_logs", "container", "web", "since", "2999-01-01T00:00:00Z");
        assertThat(future.structuredContent()).containsEntry("count", 0);
        assertThat(text(future)).startsWith("container web has no output since 2999-01-01T00:00:00Z");
    }

    @Test
    void dropsTheOldestLinesBeyondTheCharacterLimit() throws Exception {
        ContainerEngineConfig small = new ContainerEngineConfig(Duration.ofSeconds(30), Duration.ofSeconds(10),
                Duration.ofSeconds(10), Duration.ofMinutes(10), 100, 10_000, 500);
        ContainerEngine limited = new ContainerEngine(env -> runtime, small, Clock.systemUTC());
        runFake("web", Map.of());
        for (int i = 0; i < 20; i++) {
            runtime.writeLog("web", LogStream.STDOUT, "x".repeat(50));
        }

        ToolResult result = call(limited, "container_logs", "container", "web");

        assertThat(result.structuredContent()).containsEntry("truncated", true);
        assertThat((Integer) result.structuredContent().get("count")).isBetween(1, 6);
        assertThat(text(result)).startsWith("(").contains("earlier lines dropped");
    }

    @Test
    void badArgumentsAreErrorsSayingWhatIsAccepted() throws Exception {
        Map<ToolResult, String> expected = new LinkedHashMap<>();
        expected.put(call("list_containers", "everything", true),
                "unknown argument 'everything' for list_containers; it accepts all, labels");
        expected.put(call("list_containers", "all", "yes"), "list_containers: argument 'all' must be true or false");
        expected.put(call("inspect_container"), "inspect_container: argument 'container' is required");
        expected.put(call("inspect_container", "container", "a b"), "must be a container name or id");
        expected.put(call("stop_container", "container", "web", "timeout_seconds", 1.5),
                "argument 'timeout_seconds' must be a whole number");
        expected.put(call("stop_container", "container", "web", "timeout_seconds", -1),
                "argument 'timeout_seconds' must be between 0 and 600");
        expected.put(call("container_logs", "container", "web", "since", "yesterday"),
                "argument 'since' must be an RFC 3339 time");
        expected.put(call("run_container", "image", InMemoryContainerRuntime.DEFAULT_IMAGE, "command", "echo hi"),
                "argument 'command' must be an array of strings");
        expected.put(call("run_container", "image", InMemoryContainerRuntime.DEFAULT_IMAGE, "env", Map.of("A", 1)),
                "argument 'env' must be an object of string values; 'A' is the number 1");
        expected.forEach((result, message) -> {
            assertThat(result.isError()).as(message).isTrue();
            assertThat(text(result)).contains(message);
        });
    }

    @Test
    void aRuntimeThatIsDownIsAnErrorNamingItsSocket() throws Exception {
        runtime.setReachable(false);

        ToolResult result = call("list_containers");

        assertThat(result.isError()).isTrue();
        assertThat(text(result)).startsWith("container runtime not reachable at unix:///fake/podman.sock")
                .contains("is podman or docker running?", "DOCKER_HOST");
        assertThat(engine.availability().isAvailable()).isFalse();
    }

    @Test
    void eachCallUsesTheRuntimeOfTheCallersEnvironment() throws Exception {
        InMemoryContainerRuntime other = new InMemoryContainerRuntime(Clock.systemUTC(), "unix:///other.sock");
        other.runContainer(ContainerRunSpec.builder(InMemoryContainerRuntime.DEFAULT_IMAGE).name("elsewhere").build(),
                Instant.now().plusSeconds(5));
        List<Map<String, String>> seen = new ArrayList<>();
        ContainerEngine routed = new ContainerEngine(env -> {
            seen.add(env);
            return "unix:///other.sock".equals(env.get("DOCKER_HOST")) ? other : runtime;
        }, ContainerEngineConfig.defaults(), Clock.systemUTC());

        ToolResult result = routed.call("list_containers", Map.of(),
                new SimpleCallContext(Instant.now().plusSeconds(30), Map.of("DOCKER_HOST", "unix:///other.sock")));

        assertThat(list(result, "containers")).extracting(row -> row.get("name")).containsExactly("elsewhere");
        assertThat(seen).containsExactly(Map.of("DOCKER_HOST", "unix:///other.sock"));
    }

    @Test
    void deadlinesAreTheCallsOwnOrTheOperationBudgetWhicheverIsFirst() throws Exception {
        ManualClock clock = new ManualClock();
        DeadlineRecorder recorder = new DeadlineRecorder(runtime);
        ContainerEngine timed = new ContainerEngine(env -> recorder, ContainerEngineConfig.defaults(), clock);
        runFake("web", Map.of());
        SimpleCallContext generous = new SimpleCallContext(clock.instant().plusSeconds(3600), Map.of());
        SimpleCallContext tight = new SimpleCallContext(clock.instant().plusSeconds(5), Map.of());

        timed.call("list_containers", Map.of(), generous);
        timed.call("stop_container", Map.of("container", "web", "timeout_seconds", 7), generous);
        timed.call("list_containers", Map.of(), tight);

        assertThat(recorder.deadlines).containsExactly(
                clock.instant().plusSeconds(30),
                clock.instant().plusSeconds(7 + 10),
                clock.instant().plusSeconds(5));
    }

    @Test
    void aStalledCallNeverDelaysAnotherAndEndsAtItsDeadline() throws Exception {
        runFake("slow", Map.of());
        runtime.stall("slow");
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<ToolResult> stalled = pool.submit(() -> engine.call("inspect_container", Map.of("container", "slow"),
                    new SimpleCallContext(Instant.now().plus(TestTime.scaled(Duration.ofSeconds(2))), Map.of())));

            long start = System.nanoTime();
            ToolResult other = engine.call("list_containers", Map.of(), SimpleCallContext.forSeconds(30));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(TestTime.millis(500));
            assertThat(other.isError()).isFalse();
            assertThat(stalled.isDone()).isFalse();

            ToolResult late = stalled.get(TestTime.scaled(Duration.ofSeconds(10)).toMillis(), TimeUnit.MILLISECONDS);
            assertThat(late.isError()).isTrue();
            assertThat(text(late)).contains("did not answer inspect within", "slow or stuck");
        }
    }

    @Test
    void aCancelledCallEndsWithInterruption() throws Exception {
        runFake("slow", Map.of());
        runtime.stall("slow");
        AtomicReference<Throwable> outcome = new AtomicReference<>();
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread caller = Thread.ofVirtual().start(() -> {
            try {
                engine.call("stop_container", Map.of("container", "slow"), SimpleCallContext.forSeconds(30));
            } catch (Throwable e) {
                outcome.set(e);
            } finally {
                done.complete(null);
            }
        });
        Thread.sleep(100);
        caller.interrupt();
        done.get(TestTime.scaled(Duration.ofSeconds(5)).toMillis(), TimeUnit.MILLISECONDS);
        assertThat(outcome.get()).isInstanceOf(InterruptedException.class);
    }

    @Test
    void listsImagesAsADockerImagesTable() throws Exception {
        ToolResult result = call("list_images");

        assertThat(result.structuredContent()).containsEntry("count", 1);
        assertThat(list(result, "images").getFirst()).containsEntry("tags", List.of("localhost/mcpd-busybox:latest"))
                .containsEntry("size_bytes", 2_141_317L);
        String[] lines = text(result).split("\n");
        assertThat(lines[0]).startsWith("REPOSITORY").contains("TAG", "IMAGE ID", "CREATED", "SIZE");
        assertThat(lines[1]).startsWith("localhost/mcpd-busybox   latest   ").endsWith("2.14MB");
    }

    @Test
    void anUnknownToolIsRejected() {
        assertThatThrownBy(() -> engine.call("list_volumes", Map.of(), SimpleCallContext.forSeconds(5)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void statesAreReportedInTheApisWords() {
        assertThat(ContainerState.parse("Exited")).isEqualTo(ContainerState.EXITED);
        assertThat(ContainerState.parse("configured")).isEqualTo(ContainerState.CREATED);
        assertThat(ContainerState.parse("weird")).isEqualTo(ContainerState.UNKNOWN);
    }

    /** Records the deadline of every call, delegating to a fake. */
    private static final class DeadlineRecorder implements ContainerRuntime {
        final List<Instant> deadlines = new ArrayList<>();
        private final ContainerRuntime delegate;

        DeadlineRecorder(ContainerRuntime delegate) {
            this.delegate = delegate;
        }

        @Override
        public String endpoint() {
            return delegate.endpoint();
        }

        @Override
        public dev.mcpd.domain.model.Availability availability() {
            return delegate.availability();
        }

        @Override
        public dev.mcpd.domain.model.container.RuntimeInfo runtimeInfo(Instant deadline) throws InterruptedException {
            deadlines.add(deadline);
            return delegate.runtimeInfo(Instant.MAX);
        }

        @Override
        public List<dev.mcpd.domain.model.container.ContainerSummary> listContainers(ContainerFilter filter, Instant deadline)
                throws InterruptedException {
            deadlines.add(deadline);
            return delegate.listContainers(filter, Instant.MAX);
        }

        @Override
        public ContainerDetails inspectContainer(String container, Instant deadline) throws InterruptedException {
            deadlines.add(deadline);
            return delegate.inspectContainer(container, Instant.MAX);
        }

        @Override
        public RunResult runContainer(ContainerRunSpec spec, Instant deadline) throws InterruptedException {
            deadlines.add(deadline);
            return delegate.runContainer(spec, Instant.MAX);
        }

        @Override
        public dev.mcpd.domain.model.container.StartResult startContainer(String container, Instant deadline)
                throws InterruptedException {
            deadlines.add(deadline);
            return delegate.startContainer(container, Instant.MAX);
        }

        @Override
        public dev.mcpd.domain.model.container.StopResult stopContainer(String container, Duration timeout, Instant deadline)
                throws InterruptedException {
            deadlines.add(deadline);
            return delegate.stopContainer(container, timeout, Instant.MAX);
        }

        @Override
        public void restartContainer(String container, Duration timeout, Instant deadline) throws InterruptedException {
            deadlines.add(deadline);
            delegate.restartContainer(container, timeout, Instant.MAX);
        }

        @Override
        public void removeContainer(String container, boolean force, Instant deadline) throws InterruptedException {
            deadlines.add(deadline);
            delegate.removeContainer(container, force, Instant.MAX);
        }

        @Override
        public List<dev.mcpd.domain.model.container.LogLine> containerLogs(String container,
                dev.mcpd.domain.model.container.LogQuery query, Instant deadline) throws InterruptedException {
            deadlines.add(deadline);
            return delegate.containerLogs(container, query, Instant.MAX);
        }

        @Override
        public List<dev.mcpd.domain.model.container.ImageSummary> listImages(Instant deadline) throws InterruptedException {
            deadlines.add(deadline);
            return delegate.listImages(Instant.MAX);
        }
    }
}
