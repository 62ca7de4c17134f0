package dev.mcpd.application.containers;

import static dev.mcpd.application.containers.ContainerTools.REMOVE_CONTAINER;
import static dev.mcpd.application.containers.ContainerTools.RUN_CONTAINER;
import static dev.mcpd.application.tool.JsonSchemas.object;

import dev.mcpd.application.tool.InvalidArgumentException;
import dev.mcpd.application.tool.ToolArguments;
import dev.mcpd.domain.error.ContainerRuntimeException;
import dev.mcpd.domain.model.ToolResult;
import dev.mcpd.domain.model.container.ContainerDetails;
import dev.mcpd.domain.model.container.ContainerFilter;
import dev.mcpd.domain.model.container.ContainerRunSpec;
import dev.mcpd.domain.model.container.ContainerSummary;
import dev.mcpd.domain.model.container.ImageSummary;
import dev.mcpd.domain.model.container.LogLine;
import dev.mcpd.domain.model.container.LogQuery;
import dev.mcpd.domain.model.container.RunResult;
import dev.mcpd.domain.model.container.StartResult;
import dev.mcpd.domain.model.container.StopResult;
import dev.mcpd.domain.port.CallContext;
import dev.mcpd.domain.port.ContainerRuntime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The handlers of the containers engine's tools ({@link ContainerTools} pairs each tool with one), and the message a
 * person can act on for each runtime failure. {@link ContainerEngine} states the invariants they keep and checks the
 * parts.
 */
record ContainerCalls(
        Function<Map<String, String>, ContainerRuntime> runtimeForEnvironment, ContainerEngineConfig config, Clock clock) {

    private static final Logger log = LoggerFactory.getLogger(ContainerCalls.class);

    /** The runtime the caller's forwarded environment selects (invariant 1 of {@link ContainerEngine}). */
    private ContainerRuntime runtimeFor(CallContext context) {
        return runtimeForEnvironment.apply(context.environment());
    }

    ToolResult listContainers(ToolArguments args, CallContext context) throws InvalidArgumentException, InterruptedException {
        ContainerRuntime runtime = runtimeFor(context);
        boolean all = args.flag("all", false);
        ContainerFilter filter = new ContainerFilter(all, args.labelSelectors("labels"));
        List<ContainerSummary> containers = runtime.listContainers(filter, deadline(context, config.operationTimeout()));
        List<Object> rows = new ArrayList<>(containers.size());
        for (ContainerSummary container : containers) {
            rows.add(object(
                    "id", container.id(),
                    "name", container.name(),
                    "image", container.image(),
                    "command", container.command(),
                    "created", container.created().toString(),
                    "state", container.state().wireName(),
                    "status", container.status(),
                    "labels", new LinkedHashMap<String, Object>(container.labels())));
        }
        String text = ContainerText.containerTable(containers, clock.instant());
        if (containers.isEmpty()) {
            text += all || !filter.labels().isEmpty()
                    ? "(no containers match)"
                    : "(no running containers; all: true also lists stopped ones)";
        }
        return ToolResult.structured(object("containers", rows, "count", containers.size()), text.stripTrailing());
    }

    ToolResult inspectContainer(ToolArguments args, CallContext context) throws InvalidArgumentException, InterruptedException {
        ContainerRuntime runtime = runtimeFor(context);
        String container = args.container("container");
        ContainerDetails details = runtime.inspectContainer(container, deadline(context, config.operationTimeout()));
        return ToolResult.structured(detailsObject(details), ContainerText.details(details, clock.instant()));
    }

    ToolResult runContainer(ToolArguments args, CallContext context) throws InvalidArgumentException, InterruptedException {
        ContainerRuntime runtime = runtimeFor(context);
        ContainerRunSpec spec;
        try {
            ContainerRunSpec.Builder builder = ContainerRunSpec.builder(args.requiredString("image"))
                    .name(args.optionalString("name"))
                    .command(args.strings("command"))
                    .init(args.flag("init", false))
                    .network(args.optionalString("network"))
                    .autoRemove(args.flag("auto_remove", false));
            args.stringMap("env").forEach(builder::env);
            args.stringMap("labels").forEach(builder::label);
            spec = builder.build();
        } catch (IllegalArgumentException e) {
            throw new InvalidArgumentException(RUN_CONTAINER + ": " + e.getMessage());
        }
        Instant deadline = deadline(context, config.operationTimeout());
        RunResult result = runtime.runContainer(spec, deadline);
        ContainerDetails details = null;
        try {
            details = runtime.inspectContainer(result.id(), deadline);
        } catch (ContainerRuntimeException e) {
            // Started but gone already (auto-remove of a short command) or slow to inspect: the run itself succeeded.
            log.debug("inspecting {} after run failed: {}", result.id(), e.getMessage());
        }
        String name = details != null ? details.name() : spec.name();
        StringBuilder text = new StringBuilder("started container ")
                .append(name != null ? name : ContainerText.shortId(result.id()))
                .append(" (").append(ContainerText.shortId(result.id())).append(") from ").append(spec.image());
        if (details != null) {
            text.append(", now ").append(details.state().wireName());
        }
        for (String warning : result.warnings()) {
            text.append("\nwarning: ").append(warning);
        }
        return ToolResult.structured(object(
                "id", result.id(),
                "name", name,
                "image", spec.image(),
                "state", details != null ? details.state().wireName() : null,
                "warnings", List.copyOf(result.warnings())), text.toString());
    }

    ToolResult startContainer(ToolArguments args, CallContext context) throws InvalidArgumentException, InterruptedException {
        ContainerRuntime runtime = runtimeFor(context);
        String container = args.container("container");
        StartResult result = runtime.startContainer(container, deadline(context, config.operationTimeout()));
        return switch (result) {
            case STARTED -> ToolResult.structured(object("container", container, "result", "started"),
                    "started container " + container);
            case ALREADY_RUNNING -> ToolResult.structured(object("container", container, "result", "already_running"),
                    "container " + container + " was already running; nothing to do");
        };
    }

    ToolResult stopContainer(ToolArguments args, CallContext context) throws InvalidArgumentException, InterruptedException {
        ContainerRuntime runtime = runtimeFor(context);
        String container = args.container("container");
        Duration timeout = stopTimeout(args);
        StopResult result = runtime.stopContainer(container, timeout, deadline(context, timeout.plus(config.stopMargin())));
        return switch (result) {
            case STOPPED -> ToolResult.structured(
                    object("container", container, "result", "stopped", "timeout_seconds", timeout.toSeconds()),
                    "stopped container " + container);
            case ALREADY_STOPPED -> ToolResult.structured(
                    object("container", container, "result", "already_stopped", "timeout_seconds", timeout.toSeconds()),
                    "container " + container + " was already stopped; nothing to do");
        };
    }

    ToolResult restartContainer(ToolArguments args, CallContext context) throws InvalidArgumentException, InterruptedException {
        ContainerRuntime runtime = runtimeFor(context);
        String container = args.container("container");
        Duration timeout = stopTimeout(args);
        runtime.restartContainer(container, timeout, deadline(context, timeout.plus(config.stopMargin())));
        return ToolResult.structured(object("container", container, "result", "restarted"),
                "restarted container " + container);
    }

    ToolResult removeContainer(ToolArguments args, CallContext context) throws InvalidArgumentException, InterruptedException {
        ContainerRuntime runtime = runtimeFor(context);
        String container = args.container("container");
        boolean force = args.flag("force", false);
        runtime.removeContainer(container, force, deadline(context, config.operationTimeout()));
        return ToolResult.structured(object("container", container, "result", "removed", "forced", force),
                "removed container " + container + (force ? " (forced)" : ""));
    }

    ToolResult containerLogs(ToolArguments args, CallContext context) throws InvalidArgumentException, InterruptedException {
        ContainerRuntime runtime = runtimeFor(context);
        String container = args.container("container");
        int tail = (int) args.integer("tail", config.defaultLogTail(), 0, config.maxLogTail());
        Instant since = args.since("since", clock.instant());
        boolean timestamps = args.flag("timestamps", false);
        List<LogLine> lines = runtime.containerLogs(container, new LogQuery(tail, since, timestamps),
                deadline(context, config.operationTimeout()));
        int first = lines.size();
        long chars = 0;
        while (first > 0 && chars + lines.get(first - 1).text().length() + 40 <= config.maxLogChars()) {
            first--;
            chars += lines.get(first).text().length() + 40;
        }
        List<LogLine> kept = lines.subList(first, lines.size());
        List<Object> rows = new ArrayList<>(kept.size());
        for (LogLine line : kept) {
            rows.add(object(
                    "stream", line.stream().wireName(),
                    "timestamp", line.timestamp() == null ? null : line.timestamp().toString(),
                    "text", line.text()));
        }
        String text = ContainerText.logLines(kept);
        if (first > 0) {
            text = "(" + first + " earlier lines dropped to stay within " + config.maxLogChars() + " characters)\n" + text;
        }
        if (kept.isEmpty()) {
            text = "container " + container + " has no output" + (since != null ? " since " + since : "")
                    + (tail == 0 ? " (tail: 0 asks for no lines)" : "");
        }
        return ToolResult.structured(object("container", container, "lines", rows, "count", kept.size(),
                "truncated", first > 0), text.stripTrailing());
    }

    ToolResult listImages(ToolArguments args, CallContext context) throws InterruptedException {
        ContainerRuntime runtime = runtimeFor(context);
        List<ImageSummary> images = runtime.listImages(deadline(context, config.operationTimeout()));
        List<Object> rows = new ArrayList<>(images.size());
        for (ImageSummary image : images) {
            rows.add(object(
                    "id", image.id(),
                    "tags", List.copyOf(image.tags()),
                    "size_bytes", image.sizeBytes(),
                    "created", image.created().toString()));
        }
        String text = ContainerText.imageTable(images, clock.instant());
        if (images.isEmpty()) {
            text += "(no local images)";
        }
        return ToolResult.structured(object("images", rows, "count", images.size()), text.stripTrailing());
    }

    private Duration stopTimeout(ToolArguments args) throws InvalidArgumentException {
        return Duration.ofSeconds(args.integer("timeout_seconds", config.defaultStopTimeout().toSeconds(), 0,
                config.maxStopTimeout().toSeconds()));
    }

    /** The earlier of the call's deadline and {@code budget} from now (invariant 2). */
    private Instant deadline(CallContext context, Duration budget) {
        Instant own = clock.instant().plus(budget);
        Instant call = context.deadline();
        return call != null && call.isBefore(own) ? call : own;
    }

    private static Map<String, Object> detailsObject(ContainerDetails details) {
        return object(
                "id", details.id(),
                "name", details.name(),
                "image", details.image(),
                "image_id", details.imageId(),
                "command", List.copyOf(details.command()),
                "state", details.state().wireName(),
                "running", details.state().isActive(),
                "exit_code", details.exitCode(),
                "pid", details.pid(),
                "created", details.created().toString(),
                "started_at", details.startedAt() == null ? null : details.startedAt().toString(),
                "finished_at", details.finishedAt() == null ? null : details.finishedAt().toString(),
                "error", details.error() == null || details.error().isBlank() ? null : details.error(),
                "labels", new LinkedHashMap<String, Object>(details.labels()),
                "network", details.network(),
                "init", details.init(),
                "auto_remove", details.autoRemove());
    }

    /** A message a person can act on (B-M6). */
    static String describe(String tool, ContainerRuntimeException failure) {
        return switch (failure) {
            case ContainerRuntimeException.NoSuchContainer e -> e.getMessage()
                    + ": list_containers with all: true shows the containers that exist";
            case ContainerRuntimeException.NoSuchImage e -> e.getMessage()
                    + " in the runtime's local store: list_images shows the images present; mcpd does not pull, so pull"
                    + " it first (e.g. `podman pull " + e.image() + "`)";
            case ContainerRuntimeException.Conflict e -> e.getMessage() + switch (tool) {
                case REMOVE_CONTAINER -> ": stop it first, or pass force: true";
                case RUN_CONTAINER -> ": choose another name, or remove the existing container";
                default -> "";
            };
            case ContainerRuntimeException.Unreachable e -> e.getMessage()
                    + ": is podman or docker running? Start it (e.g. `systemctl --user start podman.socket`, or "
                    + "`sudo systemctl start docker`), or set DOCKER_HOST (or MCPD_CONTAINER_HOST) to its socket, "
                    + "e.g. unix:///run/user/1000/podman/podman.sock";
            case ContainerRuntimeException.DeadlineExceeded e -> e.getMessage()
                    + ": the runtime is slow or stuck; check it with `podman ps` or `docker ps` and try again";
            case ContainerRuntimeException.Failure e -> "container runtime error"
                    + (e.httpStatus() > 0 ? " (HTTP " + e.httpStatus() + ")" : "") + ": " + e.getMessage();
        };
    }
}
