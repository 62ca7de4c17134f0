package dev.mcpd.adapter.primary.cli;

import dev.mcpd.domain.model.ExitCode;
import java.io.IOException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * The one answer to an {@link IOException} a command throws (the daemon could not be reached, started or read): one
 * line on stderr, {@code mcpd <command>: <message>}, and an exit code. For {@code mcpd containers …}, which
 * cold-start the daemon like the proxy does, that is {@link ExitCode#NO_DAEMON_REACHED}; for every other command
 * {@link ExitCode#FAILURE}. Any other exception is left to picocli (stack trace, exit 1).
 */
final class CommandFailure implements IExecutionExceptionHandler {

    @Override
    public int handleExecutionException(Exception failure, CommandLine command, ParseResult parsed) throws Exception {
        if (!(failure instanceof IOException)) {
            throw failure;
        }
        report(command, failure.getMessage());
        return (command.getCommand() instanceof ContainersCommand.ToolCommand
                ? ExitCode.NO_DAEMON_REACHED : ExitCode.FAILURE).code();
    }

    /** Prints {@code mcpd <command>: <message>} on the command's stderr. */
    static void report(CommandLine command, String message) {
        command.getErr().println(command.getCommandSpec().qualifiedName() + ": " + message);
    }
}
