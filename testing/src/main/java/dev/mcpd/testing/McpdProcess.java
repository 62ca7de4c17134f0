package dev.mcpd.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One running mcpd process started by an {@link McpdScope} (or any process the scope adopted, such as a host shell):
 * the {@link Process}, its stdin and stdout as JSON-RPC lines ({@link #lines()}: send requests, await responses, see
 * the end of its stdout), and the file of the scope's output directory its stderr goes to ({@link #stderrFile()}).
 * {@link #close()} ends it and its children, by pid.
 */
public record McpdProcess(Process process, Path stderrFile, LineClient lines) implements AutoCloseable {

    private static final long GRACE_SECONDS = 5;
    private static final Duration GRACE = Duration.ofSeconds(GRACE_SECONDS);

    /** {@code process} with its stdin and stdout as lines, its stderr in {@code stderrFile} (null: not captured). */
    static McpdProcess of(Process process, Path stderrFile) {
        return new McpdProcess(process, stderrFile, LineClient.ofProcess(process));
    }

    public long pid() {
        return process.pid();
    }

    /** What it wrote on stderr so far (empty when nothing, or not captured). */
    public String stderr() throws IOException {
        return stderrFile != null && Files.exists(stderrFile) ? Files.readString(stderrFile) : "";
    }

    /** Closes its stdin, as a host that goes away does (MCP stdio transport: the server then exits). */
    public void closeStdin() {
        lines.close();
    }

    /** Whether it exits within {@code within}. */
    public boolean awaitExit(Duration within) throws InterruptedException {
        return process.waitFor(within.toNanos(), TimeUnit.NANOSECONDS);
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Asks it to stop (SIGTERM; a daemon then shuts down in order, B-E1) without waiting. */
    public void terminate() {
        process.destroy();
    }

    /** Ends it at once (SIGKILL) with its children, by pid, without waiting. */
    public void kill() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    /**
     * Ends it as a host does, then harder: closes its stdin and gives it {@value #GRACE_SECONDS} s to exit, then
     * SIGTERM and as long again, then SIGKILL; its children (as they were before it exited) get SIGKILL. Idempotent.
     */
    @Override
    public void close() throws InterruptedException {
        List<ProcessHandle> children = process.descendants().toList();
        closeStdin();
        if (!process.waitFor(GRACE.toNanos(), TimeUnit.NANOSECONDS)) {
            process.destroy();
            if (!process.waitFor(GRACE.toNanos(), TimeUnit.NANOSECONDS)) {
                process.destroyForcibly();
            }
        }
        children.forEach(ProcessHandle::destroyForcibly);
    }
}
