package dev.mcpd.adapter.primary.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code mcpd containers …}: container management through the shared daemon. */
@Command(name = "containers", description = "Manage containers through the shared daemon (Docker or Podman).")
final class ContainersCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return 2;
    }
}
