package dev.mcpd.adapter.primary.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code mcpd containers …}: container management through the shared daemon (cold-starting it like the proxy does).
 * Output is the tool's readable text ({@code docker ps}-like tables); {@code --json} prints the structured content.
 * Exit codes: 0 done (including "already stopped"), 1 the runtime refused or failed (message on stderr),
 * 2 usage error, 4 no daemon could be reached.
 */
@Command(name = "containers", description = "Manage containers through the shared daemon (Docker or Podman).",
        subcommands = {ContainersCommand.Ls.class, ContainersCommand.Run.class, ContainersCommand.Start.class,
                ContainersCommand.Stop.class, ContainersCommand.Restart.class, ContainersCommand.Rm.class,
                ContainersCommand.Logs.class})
final class ContainersCommand implements Callable<Integer> {

    /** Exit code when no daemon could be reached. */
    static final int EXIT_NO_DAEMON = 4;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return 2;
    }

    /** Calls {@code tool} and prints its result; shared by every subcommand. */
    abstract static class ToolCommand implements Callable<Integer> {
        private final CliBackend backend;

        @Spec
        CommandSpec spec;

        @Option(names = "--json", description = "Print the structured result as JSON.")
        boolean json;

        ToolCommand(CliBackend backend) {
            this.backend = backend;
        }

        abstract String tool();

        abstract Map<String, Object> arguments();

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            Map<String, Object> result;
            try {
                result = backend.callTool(tool(), arguments());
            } catch (IOException e) {
                err.println("mcpd containers: " + e.getMessage());
                return EXIT_NO_DAEMON;
            }
            String text = firstText(result);
            if (Boolean.TRUE.equals(result.get("isError"))) {
                err.println("mcpd containers: " + text);
                return 1;
            }
            if (json && result.get("structuredContent") != null) {
                out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(result.get("structuredContent")));
            } else {
                out.println(text);
            }
            return 0;
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

        @Option(names = {"-l", "--label"}, description = "Only containers with this label (KEY or KEY=VALUE); repeatable.")
        List<String> labels = new ArrayList<>();

        Ls(CliBackend backend) {
            super(backend);
        }

        @Override
        String tool() {
            return "list_containers";
        }

        @Override
        Map<String, Object> arguments() {
            Map<String, Object> args = new LinkedHashMap<>();
            args.put("all", all);
            if (!labels.isEmpty()) {
                Map<String, Object> selectors = new LinkedHashMap<>();
                for (String label : labels) {
                    int eq = label.indexOf('=');
                    selectors.put(eq < 0 ? label : label.substring(0, eq), eq < 0 ? null : label.substring(eq + 1));
                }
                args.put("labels", selectors);
            }
            return args;
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

        @Option(names = {"-e", "--env"}, description = "KEY=VALUE environment variable; repeatable.")
        List<String> env = new ArrayList<>();

        @Option(names = {"-l", "--label"}, description = "KEY=VALUE label; repeatable.")
        List<String> labels = new ArrayList<>();

        @Option(names = "--init", description = "Run an init process that forwards signals and reaps zombies.")
        boolean init;

        @Option(names = "--network", description = "The network, e.g. none or bridge.")
        String network;

        @Option(names = "--rm", description = "Remove the container when it exits.")
        boolean autoRemove;

        Run(CliBackend backend) {
            super(backend);
        }

        @Override
        String tool() {
            return "run_container";
        }

        @Override
        Map<String, Object> arguments() {
            Map<String, Object> args = new LinkedHashMap<>();
            args.put("image", image);
            if (name != null) {
                args.put("name", name);
            }
            if (!command.isEmpty()) {
                args.put("command", command);
            }
            if (!env.isEmpty()) {
                args.put("env", pairs(env));
            }
            if (!labels.isEmpty()) {
                args.put("labels", pairs(labels));
            }
            args.put("init", init);
            if (network != null) {
                args.put("network", network);
            }
            args.put("auto_remove", autoRemove);
            return args;
        }

        private static Map<String, Object> pairs(List<String> items) {
            Map<String, Object> map = new LinkedHashMap<>();
            for (String item : items) {
                int eq = item.indexOf('=');
                map.put(eq < 0 ? item : item.substring(0, eq), eq < 0 ? "" : item.substring(eq + 1));
            }
            return map;
        }
    }

    /** A command on one container. */
    abstract static class OneContainer extends ToolCommand {
        @Parameters(index = "0", description = "The container's name or id.")
        String container;

        OneContainer(CliBackend backend) {
            super(backend);
        }

        @Override
        Map<String, Object> arguments() {
            Map<String, Object> args = new LinkedHashMap<>();
            args.put("container", container);
            return args;
        }
    }

    @Command(name = "start", description = "Start a stopped container.")
    static final class Start extends OneContainer {
        Start(CliBackend backend) {
            super(backend);
        }

        @Override
        String tool() {
            return "start_container";
        }
    }

    /** A command on one container that honours a stop timeout (B-B2). */
    abstract static class TimedContainerCommand extends OneContainer {
        @Option(names = {"-t", "--time"}, description = "Seconds to wait after SIGTERM before SIGKILL.")
        Integer seconds;

        TimedContainerCommand(CliBackend backend) {
            super(backend);
        }

        @Override
        Map<String, Object> arguments() {
            Map<String, Object> args = super.arguments();
            if (seconds != null) {
                args.put("timeout_seconds", seconds);
            }
            return args;
        }
    }

    @Command(name = "stop", description = "Stop a container; returns as soon as the runtime has answered.")
    static final class Stop extends TimedContainerCommand {
        Stop(CliBackend backend) {
            super(backend);
        }

        @Override
        String tool() {
            return "stop_container";
        }
    }

    @Command(name = "restart", description = "Restart a container.")
    static final class Restart extends TimedContainerCommand {
        Restart(CliBackend backend) {
            super(backend);
        }

        @Override
        String tool() {
            return "restart_container";
        }
    }

    @Command(name = "rm", description = "Remove a container.")
    static final class Rm extends OneContainer {
        @Option(names = {"-f", "--force"}, description = "Remove it even if it is running.")
        boolean force;

        Rm(CliBackend backend) {
            super(backend);
        }

        @Override
        String tool() {
            return "remove_container";
        }

        @Override
        Map<String, Object> arguments() {
            Map<String, Object> args = super.arguments();
            args.put("force", force);
            return args;
        }
    }

    @Command(name = "logs", description = "Show a container's logs.")
    static final class Logs extends OneContainer {
        @Option(names = {"-n", "--tail"}, description = "Only the last N lines.")
        Integer tail;

        @Option(names = {"-t", "--timestamps"}, description = "Show timestamps.")
        boolean timestamps;

        Logs(CliBackend backend) {
            super(backend);
        }

        @Override
        String tool() {
            return "container_logs";
        }

        @Override
        Map<String, Object> arguments() {
            Map<String, Object> args = super.arguments();
            if (tail != null) {
                args.put("tail", tail);
            }
            args.put("timestamps", timestamps);
            return args;
        }
    }
}
