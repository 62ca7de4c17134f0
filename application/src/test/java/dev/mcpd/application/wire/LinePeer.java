package dev.mcpd.application.wire;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.awaitility.Awaitility.await;

import dev.mcpd.application.mcp.Json;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One end of a line-framed JSON conversation, as a test plays it: a reader thread collects every line the other
 * side writes; the test sends lines and waits (bounded, with Awaitility) for what it expects.
 */
public final class LinePeer implements Closeable {

    /** The bound for waiting on an answer that should come promptly; generous, so only a hang fails it. */
    public static final Duration ANSWER = dev.mcpd.domain.testing.TestTime.millis(5_000);

    private static final TestJsonCodec CODEC = new TestJsonCodec();

    private final OutputStream out;
    private final Closeable closer;
    private final LineWriter writer;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final CountDownLatch ended = new CountDownLatch(1);

    public LinePeer(InputStream in, OutputStream out, Closeable closer) {
        this.out = out;
        this.closer = closer;
        this.writer = new LineWriter(out);
        Thread.ofVirtual().name("line-peer").start(() -> {
            LineReader reader = new LineReader(in, 64 * 1024 * 1024);
            try {
                byte[] line;
                while ((line = reader.readLine()) != null) {
                    lines.add(new String(line, UTF_8));
                }
            } catch (IOException | RuntimeException e) {
                // the stream was closed under us: the conversation is over either way
            } finally {
                ended.countDown();
            }
        });
    }

    /** Sends one JSON-shaped message as a line. */
    public void send(Object message) throws IOException {
        writer.writeLine(CODEC.write(message));
    }

    /** Sends raw text as a line (the newline is added). */
    public void sendRaw(String line) throws IOException {
        writer.writeLine(line.getBytes(UTF_8));
    }

    /** Every line received so far, as text. */
    public List<String> lines() {
        return List.copyOf(lines);
    }

    /** Every line received so far, parsed. */
    public List<Map<String, Object>> messages() {
        return lines.stream().map(l -> Json.asObject(CODEC.parse(l.getBytes(UTF_8), 0, l.getBytes(UTF_8).length))).toList();
    }

    /** Waits until at least {@code count} lines arrived, and returns line {@code count - 1}. */
    public String awaitLine(int count) {
        await().atMost(ANSWER).pollInterval(Duration.ofMillis(2)).until(() -> lines.size() >= count);
        return lines.get(count - 1);
    }

    /** Waits for, and returns, the one response (a message without a method) with this id. */
    public Map<String, Object> awaitResponse(Object id) {
        await().atMost(ANSWER).pollInterval(Duration.ofMillis(2)).until(() -> !responsesTo(id).isEmpty());
        return responsesTo(id).getFirst();
    }

    /** The responses received so far with this id. */
    public List<Map<String, Object>> responsesTo(Object id) {
        return messages().stream()
                .filter(m -> m != null && !m.containsKey("method") && m.containsKey("id") && sameId(m.get("id"), id))
                .toList();
    }

    /** Whether the other side has closed (the reader met end of stream or a closed channel). */
    public boolean isEnded() {
        return ended.getCount() == 0;
    }

    /** Waits until the other side has closed. */
    public boolean awaitEnded(Duration timeout) throws InterruptedException {
        return ended.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** The output stream to the other side, for tests that write raw bytes. */
    public OutputStream output() {
        return out;
    }

    @Override
    public void close() throws IOException {
        closer.close();
    }

    /** JSON ids compare by value: the integer 1 parsed as Integer or Long is one id; "1" is another. */
    public static boolean sameId(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) {
            return x.longValue() == y.longValue();
        }
        return Objects.equals(a, b);
    }
}
