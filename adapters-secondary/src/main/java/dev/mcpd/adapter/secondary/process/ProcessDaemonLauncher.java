package dev.mcpd.adapter.secondary.process;

import static java.util.Objects.requireNonNull;

import dev.mcpd.domain.port.DaemonLauncher;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Launches {@code mcpd daemon run} detached (B-S3), so that it outlives the proxy that started it and never writes
 * to the host's pipes.
 *
 * <p>Invariants (ADR 0012):
 * <ol>
 *   <li>The daemon leaves the launcher's process tree, session and process group at once: {@code setsid --fork}
 *       (util-linux) forks, the child starts a new session, and the intermediate process exits before
 *       {@link #launch()} returns, so what runs the daemon is reparented to init (or the nearest subreaper). A host
 *       that kills its server's process group (Codex) or walks its descendants ({@code pgrep -P}, opencode) cannot
 *       reach the shared daemon. Without {@code setsid} (macOS), a background subshell gives the same reparenting,
 *       without the new session.
 *   <li>The daemon leads a session of its own (its pid is the session id of everything its engines start, which is
 *       how the next daemon finds a SIGKILLed one's leftovers, B-E3): a second {@code setsid} runs it.
 *   <li>The daemon's parent is a small {@code sh} that waits for it, so its exit is reaped at once: an init that
 *       reaps slowly (a container's, this project's CI VM: about 2 s) would leave a dead daemon looking alive to
 *       {@code kill(pid, 0)} in the meantime.
 *   <li>The daemon gets exactly the environment given, nothing inherited: the per-session variables of whichever
 *       host started it ({@code DOCKER_HOST}, ...) must not configure the daemon every later session shares (review
 *       finding 8). Those come with each client's hello instead (B-G6).
 *   <li>stdin is {@code /dev/null}; stdout and stderr are appended to the daemon log.
 * </ol>
 */
public final class ProcessDaemonLauncher implements DaemonLauncher {

    private static final Path SETSID = Path.of("/usr/bin/setsid");
    private static final Path SH = Path.of("/bin/sh");
    /** How long the intermediate process may take to fork the daemon and exit. */
    private static final Duration DETACH_TIMEOUT = Duration.ofSeconds(5);

    private final List<String> daemonCommand;
    private final Path logFile;
    private final Map<String, String> environment;

    /**
     * @param daemonCommand the full command that runs the daemon, e.g. {@code [java, -cp, …, Main, daemon, run]}
     * @param logFile where the daemon's output goes
     * @param environment the daemon's whole environment (nothing else is inherited)
     */
    public ProcessDaemonLauncher(List<String> daemonCommand, Path logFile, Map<String, String> environment) {
        this.daemonCommand = List.copyOf(requireNonNull(daemonCommand, "daemonCommand is null"));
        this.logFile = requireNonNull(logFile, "logFile is null");
        this.environment = Map.copyOf(requireNonNull(environment, "environment is null"));
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

    /**
     * Starts the daemon and returns once it is detached; does not wait for it to be ready.
     *
     * @throws IOException if the daemon cannot be started, or the detaching process fails or hangs
     */
    @Override
    public void launch() throws IOException {
        List<String> command = new ArrayList<>();
        if (Files.isExecutable(SETSID)) {
            // "; exit $?" keeps sh from exec'ing the daemon away: sh stays its parent and reaps it. The inner setsid
            // (not a group leader, so it does not fork) makes the daemon lead a session of its own.
            command.addAll(List.of(SETSID.toString(), "--fork", SH.toString(), "-c", SETSID + " \"$@\"; exit $?",
                    "mcpd-daemon"));
        } else {
            command.addAll(List.of(SH.toString(), "-c", "(\"$@\"; exit $?) &", "mcpd-daemon"));
        }
        command.addAll(daemonCommand);
        Files.createDirectories(logFile.getParent());
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().putAll(environment);
        Process detacher = builder.start();
        try {
            if (!detacher.waitFor(DETACH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                detacher.destroyForcibly();
                throw new IOException(command.getFirst() + " did not detach the daemon within " + DETACH_TIMEOUT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while detaching the daemon", e);
        }
        if (detacher.exitValue() != 0) {
            throw new IOException(command.getFirst() + " exited " + detacher.exitValue() + " while detaching the daemon; see "
                    + logFile);
        }
    }
}
