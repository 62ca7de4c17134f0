package dev.mcpd.adapter.secondary.gateway;

import dev.mcpd.domain.model.gateway.ServerConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One started child server (ADR 0016, decisions 1 and 2): the leader of a process group and session of its own
 * ({@code setsid}), with a minimal environment — {@code PATH}, {@code HOME}, {@code LANG}, {@code TMPDIR},
 * {@code USER} from the daemon, its configured {@code env}, the session's variables its {@code forwardEnv} names, and
 * the scope marker the keeper scans for; never another {@code MCPD_*} variable — and its configured {@code cwd}.
 * {@link #stop} ends the whole tree within a grace period: stdin closed first (a well-behaved server exits at EOF, code
 * 0), then SIGTERM to the group, then SIGKILL to the group.
 */
public final class ChildProcess {

    /** The daemon's variables a child gets (ferro-labs/ai-gateway PR #352's policy, plus {@code USER}). */
    public static final List<String> BASE_VARIABLES = List.of("PATH", "HOME", "LANG", "TMPDIR", "USER");

    private final Process process;

    private ChildProcess(Process process) {
        this.process = process;
    }

    /**
     * Starts {@code config}'s command.
     *
     * @param daemonEnv the daemon's environment, where the base variables come from
     * @param forwarded the session's variables from its hello; only those named in {@code forwardEnv} are passed
     * @param scope the scope id the keeper knows (see {@link ChildKeeper#SCOPE_VARIABLE})
     * @throws IOException when the command cannot be started (not found, not executable, a missing {@code cwd})
     */
    public static ChildProcess start(ServerConfig config, Map<String, String> daemonEnv, Map<String, String> forwarded,
            String scope) throws IOException {
        List<String> command = new ArrayList<>(List.of("setsid", config.command()));
        command.addAll(config.args());
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().clear();
        builder.environment().putAll(environment(config, daemonEnv, forwarded, scope));
        config.cwd().ifPresent(cwd -> builder.directory(cwd.toFile()));
        return new ChildProcess(builder.start());
    }

    /** The environment {@link #start} gives a child, in the order it is built (later entries win). */
    static Map<String, String> environment(ServerConfig config, Map<String, String> daemonEnv,
            Map<String, String> forwarded, String scope) {
        Map<String, String> env = new LinkedHashMap<>();
        for (String key : BASE_VARIABLES) {
            if (daemonEnv.get(key) != null) {
                env.put(key, daemonEnv.get(key));
            }
        }
        env.putAll(config.env());
        for (String key : config.forwardEnv()) {
            if (forwarded.get(key) != null) {
                env.put(key, forwarded.get(key));
            }
        }
        env.keySet().removeIf(key -> key.startsWith("MCPD_"));
        env.put(ChildKeeper.SCOPE_VARIABLE, scope);
        return env;
    }

    /** @return the child's pid, which is also its process group id */
    public long pid() {
        return process.pid();
    }

    public OutputStream stdin() {
        return process.getOutputStream();
    }

    public InputStream stdout() {
        return process.getInputStream();
    }

    public InputStream stderr() {
        return process.getErrorStream();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** How a stop ended: the exit code, and the signal the group needed (none, TERM or KILL). */
    public record Stopped(int exitCode, String signal) {}

    /**
     * Stops the child and its whole group: closes stdin, waits {@code eofWait}, sends SIGTERM to the group, and at
     * {@code grace} after the start of the stop sends SIGKILL to the group. Blocks at most {@code grace} plus a moment.
     *
     * @throws InterruptedException when interrupted (the group then gets SIGKILL at once)
     */
    public Stopped stop(Duration eofWait, Duration grace) throws InterruptedException {
        long start = System.nanoTime();
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            // already closed
        }
        String signal = "none";
        try {
            if (!process.waitFor(Math.min(eofWait.toNanos(), grace.toNanos()), TimeUnit.NANOSECONDS)) {
                signal = "TERM";
                signalGroup("TERM");
                long left = grace.toNanos() - (System.nanoTime() - start);
                if (!process.waitFor(Math.max(0, left), TimeUnit.NANOSECONDS)) {
                    signal = "KILL";
                }
            }
        } finally {
            signalGroup("KILL"); // the group's other members, even when the leader left at EOF
        }
        process.waitFor(5, TimeUnit.SECONDS);
        return new Stopped(process.isAlive() ? -1 : process.exitValue(), signal);
    }

    private void signalGroup(String signal) {
        try {
            new ProcessBuilder("kill", "-" + signal, "--", "-" + process.pid())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start().waitFor(5, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new IllegalStateException("cannot run kill: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
