package dev.mcpd.adapter.secondary.process;

import static java.util.Objects.requireNonNull;

import dev.mcpd.domain.port.DaemonLauncher;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Launches {@code mcpd daemon run} detached (B-S3): in a new session ({@code setsid}, where present), stdin from
 * {@code /dev/null}, stdout and stderr appended to the daemon log, so it outlives the proxy that started it and
 * never writes to the host's pipes.
 */
public final class ProcessDaemonLauncher implements DaemonLauncher {

    private static final Path SETSID = Path.of("/usr/bin/setsid");

    private final List<String> daemonCommand;
    private final Path logFile;

    /**
     * @param daemonCommand the full command that runs the daemon, e.g. {@code [java, -cp, …, Main, daemon, run]}
     * @param logFile where the daemon's output goes
     */
    public ProcessDaemonLauncher(List<String> daemonCommand, Path logFile) {
        this.daemonCommand = List.copyOf(requireNonNull(daemonCommand, "daemonCommand is null"));
        this.logFile = requireNonNull(logFile, "logFile is null");
    }

    /** The command of the current JVM with {@code args} for the main class: the same java, class path and flags. */
    public static List<String> sameJvm(String mainClass, List<String> jvmFlags, List<String> args) {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(jvmFlags);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass);
        command.addAll(args);
        return command;
    }

    @Override
    public void launch() throws IOException {
        List<String> command = new ArrayList<>();
        if (Files.isExecutable(SETSID)) {
            command.add(SETSID.toString());
        }
        command.addAll(daemonCommand);
        Files.createDirectories(logFile.getParent());
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .redirectErrorStream(true);
        builder.start();
    }
}
