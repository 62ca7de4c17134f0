package dev.mcpd.adapter.secondary.gateway;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.mcpd.domain.time.Ticker;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Consumer;

/**
 * A child's stderr, always drained (ADR 0016, decision 8): a child that writes more than a pipe holds (64 KiB) before
 * anyone reads would block in {@code write} and stall (mark3labs/mcp-go#956). Each line goes to the log with the
 * server's name as prefix, at most {@code linesPerSecond} a second (the rest are counted and summarised once a second
 * later), and the last {@code tailBytes} bytes of lines are kept for status and for "exited before the handshake"
 * errors. Lines longer than {@value #MAX_LINE_CHARS} characters are cut.
 */
public final class StderrTail {

    /** The longest line kept or logged, in characters; the rest of a longer line is dropped. */
    public static final int MAX_LINE_CHARS = 8192;

    private final String server;
    private final int tailBytes;
    private final int linesPerSecond;
    private final Ticker ticker;
    private final Consumer<String> log;
    private final Deque<String> tail = new ArrayDeque<>();
    private int tailSize;
    private long windowStart;
    private int loggedInWindow;
    private long suppressed;

    /**
     * @param server the server's name, the prefix of every logged line
     * @param tailBytes how much of the end of stderr to keep (UTF-16 characters, roughly bytes for logs)
     * @param linesPerSecond how many lines a second reach the log
     * @param log where logged lines go (the daemon log, say)
     */
    public StderrTail(String server, int tailBytes, int linesPerSecond, Ticker ticker, Consumer<String> log) {
        this.server = server;
        this.tailBytes = tailBytes;
        this.linesPerSecond = linesPerSecond;
        this.ticker = ticker;
        this.log = log;
        this.windowStart = ticker.nanoTime();
    }

    /** Reads {@code stderr} to its end on a platform thread named {@code mcpd-stderr-<server>}; returns at once. */
    public Thread drain(InputStream stderr) {
        return Thread.ofPlatform().daemon().name("mcpd-stderr-" + server).start(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(stderr, UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    accept(line);
                }
            } catch (IOException e) {
                // the child is gone: its stderr ends here
            }
        });
    }

    /** Takes one line: kept in the tail, logged unless over the rate. */
    public synchronized void accept(String line) {
        String kept = line.length() > MAX_LINE_CHARS ? line.substring(0, MAX_LINE_CHARS) + "…" : line;
        tail.addLast(kept);
        tailSize += kept.length() + 1;
        while (tailSize > tailBytes && tail.size() > 1) {
            tailSize -= tail.removeFirst().length() + 1;
        }
        long now = ticker.nanoTime();
        if (now - windowStart >= Duration.ofSeconds(1).toNanos()) {
            if (suppressed > 0) {
                log.accept(server + ": (" + suppressed + " more stderr lines not logged)");
            }
            windowStart = now;
            loggedInWindow = 0;
            suppressed = 0;
        }
        if (loggedInWindow < linesPerSecond) {
            loggedInWindow++;
            log.accept(server + ": " + kept);
        } else {
            suppressed++;
        }
    }

    /** @return the last lines of stderr, oldest first, joined by newlines; empty when nothing was written */
    public synchronized String tail() {
        return String.join("\n", tail);
    }
}
