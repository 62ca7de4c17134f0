package dev.mcpd.application.wire;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.mcpd.domain.testing.TestTime;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** {@link QueuedLineWriter}'s invariants (B-W1; review findings 2 and 6). */
class QueuedLineWriterTest {

    private static final Duration ANSWER = TestTime.millis(5_000);

    private final GatedStream stream = new GatedStream();
    private final AtomicInteger broken = new AtomicInteger();
    private final List<QueuedLineWriter> writers = new ArrayList<>();

    @AfterEach
    void release() {
        stream.open();
        writers.forEach(QueuedLineWriter::close);
    }

    private QueuedLineWriter writer(long budget) {
        QueuedLineWriter writer = QueuedLineWriter.start(stream, budget, "test-writer", broken::incrementAndGet);
        writers.add(writer);
        return writer;
    }

    @Test
    @DisplayName("B-W1 lines written from many threads arrive whole and never interleave")
    void linesNeverInterleave() throws Exception {
        stream.open();
        QueuedLineWriter writer = writer(4096);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            char c = (char) ('a' + t);
            threads.add(Thread.ofVirtual().start(() -> {
                for (int i = 0; i < 200; i++) {
                    try {
                        writer.writeLine(String.valueOf(c).repeat(1 + i * 37 % 3000).getBytes(UTF_8));
                    } catch (IOException e) {
                        throw new AssertionError(e);
                    }
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join(ANSWER);
        }
        assertThat(writer.awaitDrained(ANSWER)).isTrue();

        String[] lines = stream.text().split("\n", -1);
        assertThat(lines).hasSize(8 * 200 + 1);
        assertThat(lines[lines.length - 1]).isEmpty();
        for (String line : Arrays.copyOf(lines, lines.length - 1)) {
            assertThat(line.chars().distinct().count()).as("one writer's line: %s", line.substring(0, Math.min(20, line.length())))
                    .isEqualTo(1);
        }
    }

    @Test
    @DisplayName("B-W1 review finding 6: a caller interrupted while the peer does not read leaves no partial line behind")
    void anInterruptedCallerNeverTearsALine() throws Exception {
        QueuedLineWriter writer = writer(1024);
        byte[] big = "p".repeat(150_000).getBytes(UTF_8); // a progress notification with a 150 KB token
        writer.writeLine(big); // queued: the writer thread now blocks in the stream, part-way
        await().atMost(ANSWER).until(() -> stream.blockedWriters() == 1);

        CompletableFuture<Throwable> waiting = new CompletableFuture<>();
        Thread caller = Thread.ofVirtual().start(() -> {
            try {
                writer.writeLine("{\"cancelled\":true}".getBytes(UTF_8));
                waiting.complete(null);
            } catch (Throwable e) {
                waiting.complete(e);
            }
        });
        await().atMost(ANSWER).until(() -> caller.getState() == Thread.State.WAITING);
        caller.interrupt();
        assertThat(waiting.get()).isInstanceOf(InterruptedIOException.class);

        stream.open(); // the peer reads again
        writer.writeLine("{\"id\":\"after\"}".getBytes(UTF_8));
        assertThat(writer.awaitDrained(ANSWER)).isTrue();
        assertThat(stream.text()).isEqualTo("p".repeat(150_000) + "\n{\"id\":\"after\"}\n");
        assertThat(broken).hasValue(0);
    }

    @Test
    @DisplayName("review finding 2: an offer over the budget never waits: the peer is given up on and later lines are refused")
    void offerOverTheBudgetGivesUpOnThePeer() throws Exception {
        QueuedLineWriter writer = writer(1024);
        writer.writeLine("x".repeat(4096).getBytes(UTF_8));
        await().atMost(ANSWER).until(() -> stream.blockedWriters() == 1);
        assertThat(writer.offerLine("small".getBytes(UTF_8))).as("4 KiB are pending, over the 1 KiB budget").isFalse();

        assertThat(broken).hasValue(1);
        assertThat(writer.brokenBecause()).contains("has not read");
        assertThatThrownBy(() -> writer.writeLine("later".getBytes(UTF_8))).isInstanceOf(IOException.class)
                .hasMessageContaining("broken");
        assertThat(writer.offerLine("later".getBytes(UTF_8))).isFalse();
        assertThat(broken).as("onBroken runs once").hasValue(1);
    }

    @Test
    @DisplayName("an offer under the budget is queued and written")
    void offerUnderTheBudgetIsWritten() {
        stream.open();
        QueuedLineWriter writer = writer(1024);

        assertThat(writer.offerLine("hello".getBytes(UTF_8))).isTrue();

        assertThat(writer.awaitDrained(ANSWER)).isTrue();
        assertThat(stream.text()).isEqualTo("hello\n");
    }

    @Test
    @DisplayName("a failed write breaks the writer: a caller waiting for room fails at once and onBroken runs once")
    void aFailedWriteBreaksTheWriter() throws Exception {
        QueuedLineWriter writer = writer(16);
        writer.writeLine("x".repeat(64).getBytes(UTF_8));
        await().atMost(ANSWER).until(() -> stream.blockedWriters() == 1);
        CompletableFuture<Throwable> waiting = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                writer.writeLine("y".getBytes(UTF_8));
                waiting.complete(null);
            } catch (Throwable e) {
                waiting.complete(e);
            }
        });

        stream.fail();

        assertThat(waiting.get()).isInstanceOf(IOException.class).hasMessageContaining("broken");
        assertThat(broken).hasValue(1);
    }

    @Test
    @DisplayName("awaitDrained is bounded when the peer does not read")
    void awaitDrainedIsBounded() throws Exception {
        QueuedLineWriter writer = writer(1024);
        writer.writeLine("x".repeat(10).getBytes(UTF_8));
        await().atMost(ANSWER).until(() -> stream.blockedWriters() == 1);

        long begun = System.nanoTime();
        assertThat(writer.awaitDrained(Duration.ofMillis(50))).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - begun)).isLessThan(ANSWER);

        stream.open();
        assertThat(writer.awaitDrained(ANSWER)).isTrue();
    }

    /** A stream that takes the first byte of each write, then blocks until opened (a peer that stopped reading). */
    private static final class GatedStream extends OutputStream {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final CountDownLatch gate = new CountDownLatch(1);
        private final AtomicInteger blocked = new AtomicInteger();
        private volatile boolean failed;

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return;
            }
            synchronized (bytes) {
                bytes.write(b, off, 1);
            }
            if (gate.getCount() > 0) {
                blocked.incrementAndGet();
                try {
                    gate.await();
                } catch (InterruptedException e) {
                    throw new InterruptedIOException();
                } finally {
                    blocked.decrementAndGet();
                }
            }
            if (failed) {
                throw new IOException("broken pipe");
            }
            synchronized (bytes) {
                bytes.write(b, off + 1, len - 1);
            }
        }

        void open() {
            gate.countDown();
        }

        void fail() {
            failed = true;
            gate.countDown();
        }

        int blockedWriters() {
            return blocked.get();
        }

        String text() {
            synchronized (bytes) {
                return bytes.toString(UTF_8);
            }
        }
    }
}
