package dev.mcpd.bdd;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * One line-oriented peer of a scenario: a proxy's stdio or a raw connection to the daemon's socket. A reader thread
 * collects every line it receives; the end of the stream is remembered, so a scenario can see the other side close.
 */
final class LineClient implements AutoCloseable {

    private static final String EOF = "\u0000eof";

    private final OutputStream out;
    private final AutoCloseable resource;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private volatile boolean ended;

    LineClient(InputStream in, OutputStream out, AutoCloseable resource) {
        this.out = out;
        this.resource = resource;
        Thread.ofVirtual().name("line-client").start(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // the peer went away: same as the end of the stream
            } finally {
                ended = true;
                lines.add(EOF);
            }
        });
    }

    void send(String line) throws IOException {
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** The next line that matches, skipping others; fails after {@code timeout} or at the end of the stream. */
    String await(Predicate<String> wanted, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null) {
                throw new AssertionError("no matching line within " + timeout);
            }
            if (line.equals(EOF)) {
                lines.add(EOF);
                throw new AssertionError("the stream ended before a matching line arrived");
            }
            if (wanted.test(line)) {
                return line;
            }
        }
    }

    /** Whether the other side has closed the stream. */
    boolean ended() {
        return ended;
    }

    @Override
    public void close() {
        try {
            resource.close();
        } catch (Exception e) {
            // already gone
        }
    }
}
