package dev.mcpd.adapter.primary.cli;

import static java.util.Objects.requireNonNull;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A command that acts through the {@link CliBackend}: what every leaf command shares. Its {@link #call()} returns an
 * {@code ExitCode}'s number; an exception it throws is answered by {@link CommandFailure}.
 */
abstract class BackendCommand implements Callable<Integer> {

    final CliBackend backend;

    @Spec
    CommandSpec spec;

    BackendCommand(CliBackend backend) {
        this.backend = requireNonNull(backend, "backend is null");
    }

    /** Where the command's output goes (stdout). */
    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /** Where the command's errors go (stderr). */
    PrintWriter err() {
        return spec.commandLine().getErr();
    }
}
