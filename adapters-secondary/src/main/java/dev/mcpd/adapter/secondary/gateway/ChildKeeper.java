package dev.mcpd.adapter.secondary.gateway;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;

/**
 * The daemon's side of the gateway keeper (ADR 0016, decision 1): a {@code sh} process in a session of its own whose
 * stdin is a pipe from this JVM. {@link #watch} and {@link #forget} tell it which process groups are the daemon's
 * children. When the pipe closes — {@link #close()}, or the daemon's death, SIGKILL included, since the kernel closes
 * the pipe then — the keeper sends SIGTERM to every watched group, SIGKILL after the grace period, and SIGKILLs any
 * process left whose environment carries {@code MCPD_GATEWAY_SCOPE=<scope>}. So after a daemon SIGKILL no child tree
 * outlives it by more than the grace period and a scan, without any new daemon starting.
 *
 * <p>Linux first: the keeper needs {@code setsid} and a POSIX {@code sh}; the environment scan needs {@code /proc}.
 */
public final class ChildKeeper implements AutoCloseable {

    /** The variable every child of a scope carries, so the keeper can find the ones that left their group. */
    public static final String SCOPE_VARIABLE = "MCPD_GATEWAY_SCOPE";

    private final Process process;
    private final OutputStream commands;

    private ChildKeeper(Process process) {
        this.process = process;
        this.commands = process.getOutputStream();
    }

    /**
     * Starts a keeper for {@code scope}.
     *
     * @param scope the scope's id (the value of {@link #SCOPE_VARIABLE} in its children); letters, digits, {@code -_.}
     * @param grace how long the groups get between SIGTERM and SIGKILL; rounded up to whole seconds, at least 1
     * @throws IOException when {@code setsid} or {@code sh} cannot be started
     */
    public static ChildKeeper start(String scope, Duration grace) throws IOException {
        if (!scope.matches("[A-Za-z0-9_.-]+")) {
            throw new IllegalArgumentException("a scope id is letters, digits, '-', '_' or '.': " + scope);
        }
        long seconds = Math.max(1, (grace.toMillis() + 999) / 1000);
        ProcessBuilder builder = new ProcessBuilder(List.of("setsid", "sh", "-c", script(), "mcpd-keeper", scope,
                Long.toString(seconds)))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().remove(SCOPE_VARIABLE);
        return new ChildKeeper(builder.start());
    }

    /** Tells the keeper to end the process group {@code pgid} when the daemon is gone. */
    public synchronized void watch(long pgid) {
        send("watch " + pgid);
    }

    /** Tells the keeper the group {@code pgid} was stopped in order and needs nothing more. */
    public synchronized void forget(long pgid) {
        send("forget " + pgid);
    }

    /** @return the keeper's pid */
    public long pid() {
        return process.pid();
    }

    /** @return whether the keeper still runs */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** Closes the pipe: the keeper ends what it still watches, then exits. Idempotent; returns at once. */
    @Override
    public synchronized void close() {
        try {
            commands.close();
        } catch (IOException e) {
            // the keeper is gone already
        }
    }

    private void send(String line) {
        try {
            commands.write((line + "\n").getBytes(UTF_8));
            commands.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("the gateway keeper (pid " + process.pid() + ") is gone", e);
        }
    }

    private static String script() {
        try (InputStream in = ChildKeeper.class.getResourceAsStream("keeper.sh")) {
            if (in == null) {
                throw new IllegalStateException("keeper.sh is missing from the jar");
            }
            return new String(in.readAllBytes(), UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
