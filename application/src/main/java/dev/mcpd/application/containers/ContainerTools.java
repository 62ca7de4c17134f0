package dev.mcpd.application.containers;

import static dev.mcpd.application.tool.JsonSchemas.allRequired;
import static dev.mcpd.application.tool.JsonSchemas.arrayOf;
import static dev.mcpd.application.tool.JsonSchemas.bool;
import static dev.mcpd.application.tool.JsonSchemas.dateTime;
import static dev.mcpd.application.tool.JsonSchemas.enumeration;
import static dev.mcpd.application.tool.JsonSchemas.inputSchema;
import static dev.mcpd.application.tool.JsonSchemas.integer;
import static dev.mcpd.application.tool.JsonSchemas.listOutput;
import static dev.mcpd.application.tool.JsonSchemas.noArguments;
import static dev.mcpd.application.tool.JsonSchemas.nonEmptyString;
import static dev.mcpd.application.tool.JsonSchemas.object;
import static dev.mcpd.application.tool.JsonSchemas.objectOf;
import static dev.mcpd.application.tool.JsonSchemas.outputSchema;
import static dev.mcpd.application.tool.JsonSchemas.string;
import static dev.mcpd.application.tool.JsonSchemas.stringMap;
import static dev.mcpd.application.tool.JsonSchemas.strings;

import dev.mcpd.application.tool.ToolHandler;
import dev.mcpd.domain.model.Tool;
import dev.mcpd.domain.model.ToolAnnotations;
import dev.mcpd.domain.model.container.ContainerState;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The tools of the containers engine, their JSON Schemas (2020-12) and annotations (B-M5). Names follow the
 * container MCP servers people already use.
 */
final class ContainerTools {

    static final String LIST_CONTAINERS = "list_containers";
    static final String INSPECT_CONTAINER = "inspect_container";
    static final String RUN_CONTAINER = "run_container";
    static final String START_CONTAINER = "start_container";
    static final String STOP_CONTAINER = "stop_container";
    static final String RESTART_CONTAINER = "restart_container";
    static final String REMOVE_CONTAINER = "remove_container";
    static final String CONTAINER_LOGS = "container_logs";
    static final String LIST_IMAGES = "list_images";

    private static final String CONTAINER = "The container's name or id (a unique id prefix is enough), as "
            + "list_containers shows them.";

    private ContainerTools() {}

    /** Every tool of the engine, in {@code tools/list} order, each with its handler in {@code calls}. */
    static List<ToolHandler> all(ContainerEngineConfig config, ContainerCalls calls) {
        return List.of(
                new ToolHandler(new Tool(LIST_CONTAINERS, "List containers",
                        "Lists containers like `docker ps`: running ones, or all with all: true, optionally only those "
                                + "carrying given labels. Returns a table and, as structured content, every container's "
                                + "id, name, image, command, creation time, state, status and labels.",
                        inputSchema(object(
                                "all", bool("Include containers that are not running (like `docker ps -a`).", false),
                                "labels", object("type", "object",
                                        "additionalProperties", object("type", List.of("string", "null")),
                                        "description", "Only containers carrying every one of these labels: a string "
                                                + "value must match exactly, null matches any value. Example: "
                                                + "{\"com.example.app\": \"web\", \"com.example.team\": null}.")),
                                List.of()),
                        listOutput("containers", summarySchema(), "Newest first.", "containers"),
                        ToolAnnotations.readOnly()), calls::listContainers),
                new ToolHandler(new Tool(INSPECT_CONTAINER, "Inspect a container",
                        "Shows one container in detail like `docker inspect`: id, name, image, command, state with pid "
                                + "or exit code, start and finish times, labels, network, init and auto-remove.",
                        inputSchema(object("container", nonEmptyString(CONTAINER)), List.of("container")),
                        outputSchema(detailsProperties(), List.of("id", "name", "image", "command", "state", "running",
                                "created", "labels", "init", "auto_remove")),
                        ToolAnnotations.readOnly()), calls::inspectContainer),
                new ToolHandler(new Tool(RUN_CONTAINER, "Run a container",
                        "Creates and starts a container in the background like `docker run -d`, from an image that is "
                                + "already present locally (list_images shows them; nothing is pulled). Returns its id "
                                + "and name.",
                        inputSchema(object(
                                "image", nonEmptyString("The image, e.g. docker.io/library/nginx:latest; must be present "
                                        + "locally."),
                                "name", object("type", "string", "pattern", "^[a-zA-Z0-9][a-zA-Z0-9_.-]+$",
                                        "description", "A name for the container; the runtime picks one if omitted."),
                                "command", strings("The command and its arguments, replacing the image's default, e.g. "
                                        + "[\"sh\", \"-c\", \"echo hi; sleep 60\"]."),
                                "env", stringMap("Environment variables, e.g. {\"LOG_LEVEL\": \"debug\"}."),
                                "labels", stringMap("Labels to attach, e.g. {\"com.example.app\": \"web\"}."),
                                "init", bool("Run an init process as pid 1 that forwards signals and reaps zombies "
                                        + "(like `--init`), so that the container stops promptly.", false),
                                "network", string("The network mode: none, bridge, host, or a network name; the "
                                        + "runtime's default if omitted."),
                                "auto_remove", bool("Remove the container when it stops (like `--rm`).", false)),
                                List.of("image")),
                        outputSchema(object(
                                "id", string("The new container's full id."),
                                "name", string("Its name."),
                                "image", string("The image it runs."),
                                "state", stateSchema(),
                                "warnings", strings("The runtime's warnings, if any.")),
                                List.of("id", "image", "warnings")),
                        ToolAnnotations.write()), calls::runContainer),
                new ToolHandler(new Tool(START_CONTAINER, "Start a container",
                        "Starts a created or stopped container like `docker start`. Starting a running container "
                                + "changes nothing and says so.",
                        inputSchema(object("container", nonEmptyString(CONTAINER)), List.of("container")),
                        resultOutput(List.of("started", "already_running")),
                        ToolAnnotations.idempotentWrite()), calls::startContainer),
                new ToolHandler(new Tool(STOP_CONTAINER, "Stop a container",
                        "Stops a running container like `docker stop`: sends SIGTERM, then SIGKILL if it has not exited "
                                + "after timeout_seconds. Returns as soon as the runtime has answered. Stopping a "
                                + "stopped container changes nothing and says so.",
                        stopInput(config),
                        resultOutput(List.of("stopped", "already_stopped"), "timeout_seconds",
                                integer("The stop timeout used.")),
                        ToolAnnotations.idempotentWrite()), calls::stopContainer),
                new ToolHandler(new Tool(RESTART_CONTAINER, "Restart a container",
                        "Restarts a container like `docker restart`: stops it (SIGTERM, then SIGKILL after "
                                + "timeout_seconds) and starts it again; a stopped container is just started.",
                        stopInput(config),
                        resultOutput(List.of("restarted")),
                        ToolAnnotations.write()), calls::restartContainer),
                new ToolHandler(new Tool(REMOVE_CONTAINER, "Remove a container",
                        "Removes a container like `docker rm`. A running container is removed only with force: true, "
                                + "which kills it first.",
                        inputSchema(object(
                                "container", nonEmptyString(CONTAINER),
                                "force", bool("Kill the container first if it is running (like `docker rm -f`).", false)),
                                List.of("container")),
                        resultOutput(List.of("removed"), "forced", bool("Whether force was used.")),
                        ToolAnnotations.destructive()), calls::removeContainer),
                new ToolHandler(new Tool(CONTAINER_LOGS, "Read a container's output",
                        "Reads a container's stdout and stderr like `docker logs`: the last tail lines (default "
                                + config.defaultLogTail() + "), optionally only since a time, optionally with "
                                + "timestamps.",
                        inputSchema(object(
                                "container", nonEmptyString(CONTAINER),
                                "tail", integer("How many lines to return, counted from the end.", 0,
                                        config.maxLogTail(), config.defaultLogTail()),
                                "since", string("Only lines written since then: an RFC 3339 time "
                                        + "(2026-01-01T10:00:00Z), a date, unix seconds, or a duration back from now "
                                        + "(30s, 10m, 2h, 1d)."),
                                "timestamps", bool("Prefix each line with the time the runtime received it.", false)),
                                List.of("container")),
                        outputSchema(object(
                                "container", string("The container as given."),
                                "lines", arrayOf(objectOf(object(
                                        "stream", enumeration("Where the line was written.", "stdout", "stderr"),
                                        "timestamp", dateTime("When it was written; only with timestamps: true."),
                                        "text", string("The line, without its newline.")),
                                        List.of("stream", "text")), "Oldest first."),
                                "count", integer("How many lines are returned."),
                                "truncated", bool("Whether older lines were dropped to keep the answer within "
                                        + config.maxLogChars() + " characters.")),
                                List.of("container", "lines", "count", "truncated")),
                        ToolAnnotations.readOnly()), calls::containerLogs),
                new ToolHandler(new Tool(LIST_IMAGES, "List images",
                        "Lists the images present locally like `docker images`: repository, tag, id, creation time "
                                + "and size. run_container can use any of them.",
                        noArguments(),
                        listOutput("images", allRequired(
                                "id", string("The image id."),
                                "tags", strings("Its repository tags; empty for an untagged image."),
                                "size_bytes", integer("Its size in bytes."),
                                "created", dateTime("When it was built.")), "Newest first.", "images"),
                        ToolAnnotations.readOnly()), calls::listImages));
    }

    /**
     * The output of a command on one container: the container as given, what happened (one of {@code results}), and
     * one more property when given; all required.
     */
    private static Map<String, Object> resultOutput(List<String> results, Object... more) {
        List<Object> properties = new ArrayList<>(List.of("container", string("The container as given."),
                "result", enumeration("What happened.", results.toArray(String[]::new))));
        properties.addAll(List.of(more));
        List<String> required = new ArrayList<>();
        for (int i = 0; i < properties.size(); i += 2) {
            required.add((String) properties.get(i));
        }
        return outputSchema(object(properties.toArray()), required);
    }

    /** The input of stop and restart: the container and the stop timeout (B-B2). */
    private static Map<String, Object> stopInput(ContainerEngineConfig config) {
        return inputSchema(object(
                "container", nonEmptyString(CONTAINER),
                "timeout_seconds", integer("Seconds to wait after SIGTERM before SIGKILL.", 0,
                        config.maxStopTimeout().toSeconds(), config.defaultStopTimeout().toSeconds())),
                List.of("container"));
    }

    private static Map<String, Object> stateSchema() {
        return enumeration("The container's state.", Arrays.stream(ContainerState.values())
                .map(ContainerState::wireName).toArray(String[]::new));
    }

    private static Map<String, Object> summarySchema() {
        return allRequired(
                "id", string("The full container id."),
                "name", string("The container's name."),
                "image", string("The image it was created from."),
                "command", string("Its command line."),
                "created", dateTime("When it was created."),
                "state", stateSchema(),
                "status", string("The runtime's status text, e.g. \"Up 3 minutes\"."),
                "labels", stringMap("Its labels."));
    }

    private static Map<String, Object> detailsProperties() {
        return object(
                "id", string("The full container id."),
                "name", string("The container's name."),
                "image", string("The image it was created from."),
                "image_id", string("The id of that image."),
                "command", strings("Entrypoint and command as one argument vector."),
                "state", stateSchema(),
                "running", bool("Whether it is running."),
                "exit_code", integer("The exit code of its last run, once it has exited."),
                "pid", integer("The host pid of its main process, while running."),
                "created", dateTime("When it was created."),
                "started_at", dateTime("When it last started."),
                "finished_at", dateTime("When it last stopped."),
                "error", string("The runtime's error for its last start, if any."),
                "labels", stringMap("Its labels."),
                "network", string("Its network mode."),
                "init", bool("Whether an init process runs as pid 1."),
                "auto_remove", bool("Whether it is removed when it stops."));
    }
}
