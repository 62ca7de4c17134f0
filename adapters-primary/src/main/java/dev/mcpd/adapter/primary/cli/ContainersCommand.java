package dev.mcpd.adapter.primary.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpd.domain.model.ExitCode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code mcpd containers …}: container management through the shared daemon (cold-starting it like the proxy does).
 * Output is the tool's readable text ({@code docker ps}-like tables); {@code --json} prints the structured content.
 * Exit codes ({@link ExitCode}): 0 done (including "already stopped"), 1 the runtime refused or failed (message on
 * stderr), 2 usage error, 6 no daemon could be reached ({@link CommandFailure}).
 */
@Command(name = "containers", description = "Manage containers through the shared daemon (Docker or Podman).",
        subcommands = {ContainersCommand.Ls.class, ContainersCommand.Run.class, ContainersCommand.Start.class,
                ContainersCommand.Stop.class, ContainersCommand.Restart.class, ContainersCommand.Rm.class,
                ContainersCommand.Logs.class})
final class ContainersCommand extends CommandGroup {

    /** Calls {@code tool} and prints its result; shared by every subcommand. */
    abstract static class ToolCommand extends BackendCommand {
        @Option(names = "--json", description = "Print the structured result as JSON.")
        boolean json;

        private final String tool;

        /** @param tool the tool this command calls, e.g. {@code list_containers} */
        ToolCommand(CliBackend backend, String tool) {
            super(backend);
            this.tool = tool;
        }

        /** Puts the tool's arguments into {@code args}, in the tool's schema order. */
        abstract void arguments(Map<String, Object> args);

        /** @throws IOException when no daemon could be reached: {@link CommandFailure} exits 6 */
        @Override
        public Integer call() throws IOException {
            Map<String, Object> args = new LinkedHashMap<>();
            arguments(args);
            Map<String, Object> result = backend.callTool(tool, args);
            String text = firstText(result);
            if (Boolean.TRUE.equals(result.get("isError"))) {
                err().println("mcpd containers: " + text);
                return ExitCode.FAILURE.code();
            }
            if (json && result.get("structuredContent") != null) {
                out().println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(result.get("structuredContent")));
            } else {
                out().println(text);
            }
            return ExitCode.OK.code();
        }

        private static String firstText(Map<String, Object> result) {
            if (result.get("content") instanceof List<?> content && !content.isEmpty()
                    && content.getFirst() instanceof Map<?, ?> block && block.get("text") instanceof String text) {
                return text;
            }
            return "";
        }
    }

    @Command(name = "ls", description = "List containers, like `docker ps`.")
    static final class Ls extends ToolCommand {
        @Option(names = {"-a", "--all"}, description = "Show stopped containers too.")
        boolean all;

        @Option(names = {"-l", "--label"}, mapFallbackValue = Option.NULL_VALUE,
                description = "Only containers with this label (KEY or KEY=VALUE); repeatable.")
        Map<String, String> labels = new LinkedHashMap<>();

        Ls(CliBackend backend) {
            super(backend, "list_containers");
        }

        @Override
        void arguments(Map<String, Object> args) {
            args.put("all", all);
            if (!labels.isEmpty()) {
                args.put("labels", labels);
            }
        }
    }

    @Command(name = "run", description = "Create and start a container.")
    static final class Run extends ToolCommand {
        @Parameters(index = "0", description = "The image, e.g. docker.io/library/busybox:latest.")
        String image;

        @Parameters(index = "1..*", description = "The command and its arguments.")
        List<String> command = new ArrayList<>();

        @Option(names = "--name", description = "The container's name.")
        String name;

        @Option(names = {"-e", "--env"}, mapFallbackValue = "", description = "KEY=VALUE environment variable; repeatable.")
        Map<String, String> env = new LinkedHashMap<>();

        @Option(names = {"-l", "--label"}, mapFallbackValue = "", description = "KEY=VALUE label; repeatable.")
        Map<String, String> labels = new LinkedHashMap<>();

        @Option(names = "--init", description = "Run an init process that forwards signals and reaps zombies.")
        boolean init;

        @Option(names = "--network", description = "The network, e.g. none or bridge.")
        String network;

        @Option(names = "--rm", description = "Remove the container when it exits.")
        boolean autoRemove;

        Run(CliBackend backend) {
            super(backend, "run_container");
        }

        @Override
        void arguments(Map<String, Object> args) {
            args.put("image", image);
            args.put("name", name);
            args.put("command", command.isEmpty() ? null : command);
            args.put("env", env.isEmpty() ? null : env);
            args.put("labels", labels.isEmpty() ? null : labels);
            args.put("init", init);
            args.put("network", network);
            args.put("auto_remove", autoRemove);
            args.values().removeIf(Objects::isNull);
        }
    }

    /** A command on one container. */
    abstract static class OneContainer extends ToolCommand {
        @Parameters(index = "0", description = "The container's name or id.")
        String container;

        OneContainer(CliBackend backend, String tool) {
            super(backend, tool);
        }

        @Override
        void arguments(Map<String, Object> args) {
            args.put("container", container);
        }
    }

    @Command(name = "start", description = "Start a stopped container.")
    static final class Start extends OneContainer {
        Start(CliBackend backend) {
            super(backend, "start_container");
        }
    }

    /** A command on one container that honours a stop timeout (B-B2). */
    abstract static class TimedContainerCommand extends OneContainer {
        @Option(names = {"-t", "--time"}, description = "Seconds to wait after SIGTERM before SIGKILL.")
        Integer seconds;

        TimedContainerCommand(CliBackend backend, String tool) {
            super(backend, tool);
        }

        @Override
        void arguments(Map<String, Object> args) {
            super.arguments(args);
            if (seconds != null) {
                args.put("timeout_seconds", seconds);
            }
        }
    }

    @Command(name = "stop", description = "Stop a container; returns as soon as the runtime has answered.")
    static final class Stop extends TimedContainerCommand {
        Stop(CliBackend backend) {
            super(backend, "stop_container");
        }
    }

    @Command(name = "restart", description = "Restart a container.")
    static final class Restart extends TimedContainerCommand {
        Restart(CliBackend backend) {
            super(backend, "restart_container");
        }
    }

    @Command(name = "rm", description = "Remove a container.")
    static final class Rm extends OneContainer {
        @Option(names = {"-f", "--force"}, description = "Remove it even if it is running.")
        boolean force;

        Rm(CliBackend backend) {
            super(backend, "remove_container");
        }

        @Override
        void arguments(Map<String, Object> args) {
            super.arguments(args);
            args.put("force", force);
        }
    }

    @Command(name = "logs", description = "Show a container's logs.")
    static final class Logs extends OneContainer {
        @Option(names = {"-n", "--tail"}, description = "Only the last N lines.")
        Integer tail;

        @Option(names = {"-t", "--timestamps"}, description = "Show timestamps.")
        boolean timestamps;

        Logs(CliBackend backend) {
            super(backend, "container_logs");
        }

        @Override
        void arguments(Map<String, Object> args) {
            super.arguments(args);
            if (tail != null) {
                args.put("tail", tail);
            }
            args.put("timestamps", timestamps);
        }
    }
}
