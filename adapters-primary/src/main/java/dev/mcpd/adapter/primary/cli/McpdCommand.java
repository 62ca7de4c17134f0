package dev.mcpd.adapter.primary.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code mcpd}: the top-level command. Exit codes: 0 ok, 1 failure, 2 usage error, 3 nothing to act on. */
@Command(name = "mcpd", mixinStandardHelpOptions = true, versionProvider = McpdCommand.Version.class,
        description = "A shared MCP daemon: one resident daemon per scope behind a tiny stdio proxy.",
        subcommands = {ServeCommand.class, DaemonCommand.class, DoctorCommand.class, ContainersCommand.class})
public final class McpdCommand {

    /** Exit code when there was nothing to act on (no daemon running). */
    public static final int EXIT_NOTHING = 3;

    /** Builds the command line with {@code backend} behind every subcommand. */
    public static CommandLine commandLine(CliBackend backend) {
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
        // `mcpd containers run IMAGE CMD -c …`: like `docker run`, everything after the image belongs to the command.
        commandLine.getSubcommands().get("containers").getSubcommands().get("run").setStopAtPositional(true);
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
