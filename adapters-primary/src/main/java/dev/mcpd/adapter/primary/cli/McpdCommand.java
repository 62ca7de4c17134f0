package dev.mcpd.adapter.primary.cli;

import dev.mcpd.domain.model.ExitCode;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code mcpd}: the top-level command. Exit codes are {@link ExitCode}'s; an {@code IOException} a command throws is
 * answered by {@link CommandFailure}.
 */
@Command(name = "mcpd", mixinStandardHelpOptions = true, versionProvider = McpdCommand.Version.class,
        description = "A shared MCP daemon: one resident daemon per scope behind a tiny stdio proxy.")
public final class McpdCommand {

    /** Every subcommand, by name. */
    private static final Map<String, Class<?>> SUBCOMMANDS = subcommands();

    private static Map<String, Class<?>> subcommands() {
        Map<String, Class<?>> map = new LinkedHashMap<>();
        map.put("serve", ServeCommand.class);
        map.put("daemon", DaemonCommand.class);
        map.put("doctor", DoctorCommand.class);
        map.put("containers", ContainersCommand.class);
        return map;
    }

    /**
     * Builds the command line with {@code backend} behind every subcommand. When {@code args} name a subcommand,
     * only that one is built: picocli builds a model of every command it is given, and building all of them would
     * cost the proxy ({@code serve --mcp}) about 150 ms of start-up. Help and errors still see every subcommand.
     */
    public static CommandLine commandLine(CliBackend backend, String... args) {
        CommandLine.IFactory defaults = CommandLine.defaultFactory();
        CommandLine.IFactory factory = new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> type) throws Exception {
                if (type == Version.class) {
                    return type.cast(new Version(backend));
                }
                for (var constructor : type.getDeclaredConstructors()) {
                    if (constructor.getParameterCount() == 1 && constructor.getParameterTypes()[0] == CliBackend.class) {
                        constructor.setAccessible(true);
                        return type.cast(constructor.newInstance(backend));
                    }
                }
                return defaults.create(type);
            }
        };
        CommandLine commandLine = new CommandLine(new McpdCommand(), factory);
        Class<?> only = args.length > 0 ? SUBCOMMANDS.get(args[0]) : null;
        for (Map.Entry<String, Class<?>> sub : SUBCOMMANDS.entrySet()) {
            if (only == null || only == sub.getValue()) {
                commandLine.addSubcommand(sub.getKey(), new CommandLine(sub.getValue(), factory));
            }
        }
        commandLine.setExecutionExceptionHandler(new CommandFailure());
        if (commandLine.getSubcommands().containsKey("containers")) {
            // `mcpd containers run IMAGE CMD -c …`: like `docker run`, all after the image belongs to the command.
            commandLine.getSubcommands().get("containers").getSubcommands().get("run").setStopAtPositional(true);
        }
        return commandLine;
    }

    static final class Version implements CommandLine.IVersionProvider {
        private final CliBackend backend;

        Version(CliBackend backend) {
            this.backend = backend;
        }

        @Override
        public String[] getVersion() {
            return new String[] {"mcpd " + backend.version(), "Java " + Runtime.version()};
        }
    }
}
