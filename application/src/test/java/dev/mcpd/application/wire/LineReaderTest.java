package dev.mcpd.application.wire;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcpd.domain.error.LineTooLongException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class LineReaderTest {

    private static final int LIMIT = 64 * 1024;

    @Test
    @DisplayName("B-C4: a final unterminated line obeys the limit and loses its trailing \\r like any other (WireFuzzTest finding)")
    void aFinalUnterminatedLineFollowsTheSameRules() throws IOException {
        byte[] exact = ("x".repeat(64) + "\r").getBytes(UTF_8); // 64 bytes and a \r, then end of stream
        assertThat(text(new LineReader(new OneByteAtATime(exact), 64).readLine())).isEqualTo("x".repeat(64));

        byte[] over = ("x".repeat(65) + "\r").getBytes(UTF_8);
        assertThatThrownBy(() -> new LineReader(new OneByteAtATime(over), 64).readLine())
                .isInstanceOf(LineTooLongException.class);
        byte[] overNoCr = "x".repeat(65).getBytes(UTF_8);
        assertThatThrownBy(() -> new LineReader(new OneByteAtATime(overNoCr), 64).readLine())
                .isInstanceOf(LineTooLongException.class);
    }

    /** Hands out one byte per read, as a slow peer does. */
    private static final class OneByteAtATime extends InputStream {
        private final byte[] bytes;
        private int next;

        OneByteAtATime(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public int read() {
            return next < bytes.length ? bytes[next++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (len == 0) {
                return 0;
            }
            int c = read();
            if (c < 0) {
                return -1;
            }
            b[off] = (byte) c;
            return 1;
        }
    }

    @Test
    @DisplayName("review finding 5: a large line's buffer comes from the shared budget and goes back after the line")
    void aLargeLineTakesBudgetAndTheBufferShrinksBackAfterIt() throws IOException {
        LineBudget budget = new LineBudget(1024 * 1024);
        String big = "x".repeat(40_000);
        LineReader reader = new LineReader(new ByteArrayInputStream((big + "\nsmall\n").getBytes(UTF_8)), LIMIT, budget);

        assertThat(text(reader.readLine())).isEqualTo(big);
        assertThat(reader.reservedBytes()).as("shrunk back after the large line").isZero();
        assertThat(budget.usedBytes()).isZero();
        assertThat(text(reader.readLine())).isEqualTo("small");
        reader.release();
        assertThat(budget.usedBytes()).isZero();
    }

    @Test
    @DisplayName("review finding 5: a line that needs more than the budget has left is refused, and release returns all")
    void aLineBeyondTheBudgetIsRefusedSayingSo() throws IOException {
        LineBudget budget = new LineBudget(20 * 1024);
        LineReader holder = new LineReader(new java.io.SequenceInputStream(
                new ByteArrayInputStream("y".repeat(15_000).getBytes(UTF_8)), blockingForever()), LIMIT, budget);
        // the holder's line never ends: read it on a thread and wait until it has taken its share
        Thread.ofVirtual().start(() -> {
            try {
                holder.readLine();
            } catch (IOException | RuntimeException e) {
                // ended by the test
            }
        });
        org.awaitility.Awaitility.await().atMost(dev.mcpd.domain.testing.TestTime.millis(5_000))
                .until(() -> budget.usedBytes() > 0);
        long held = budget.usedBytes();
        LineReader greedy = new LineReader(new ByteArrayInputStream("z".repeat(40_000).getBytes(UTF_8)), LIMIT, budget);

        assertThatThrownBy(greedy::readLine).isInstanceOf(LineTooLongException.class)
                .hasMessageContaining("line too large for the daemon's current memory budget");
        greedy.release();
        assertThat(budget.usedBytes()).isEqualTo(held);
    }

    /** A stream that blocks on read until the JVM exits (its thread is virtual). */
    private static InputStream blockingForever() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                try {
                    Thread.sleep(Long.MAX_VALUE);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw new IOException("interrupted");
            }
        };
    }

    @Test
    @DisplayName("B-W1 splits on the newline byte and returns each line's bytes without it")
    void splitsOnNewlineByte() throws IOException {
        LineReader reader = reader("{\"a\":1}\n\n{\"b\":2}\n");

        assertThat(text(reader.readLine())).isEqualTo("{\"a\":1}");
        assertThat(text(reader.readLine())).isEmpty();
        assertThat(text(reader.readLine())).isEqualTo("{\"b\":2}");
        assertThat(reader.readLine()).isNull();
    }

    @Test
    @DisplayName("B-W1 invalid UTF-8 never shifts a line boundary: bytes come back exactly as sent")
    void invalidUtf8DoesNotShiftBoundaries() throws IOException {
        // 0xC3 and 0xE2 0x82 start multi-byte sequences that never complete; a char decoder could swallow the newline
        byte[] input = {(byte) 0xC3, '\n', (byte) 0xE2, (byte) 0x82, '\n', (byte) 0xFF, (byte) 0xFE, 'x', '\n', 'z', '\n'};
        LineReader reader = new LineReader(new ByteArrayInputStream(input), LIMIT);

        assertThat(reader.readLine()).containsExactly(0xC3);
        assertThat(reader.readLine()).containsExactly(0xE2, 0x82);
        assertThat(reader.readLine()).containsExactly(0xFF, 0xFE, 'x');
        assertThat(reader.readLine()).containsExactly('z');
        assertThat(reader.readLine()).isNull();
    }

    @Test
    @DisplayName("B-W1 a CR before the newline is trimmed; a CR elsewhere is data")
    void trimsCrBeforeNewlineOnly() throws IOException {
        LineReader reader = reader("one\r\nt\rwo\n\r\n");

        assertThat(text(reader.readLine())).isEqualTo("one");
        assertThat(text(reader.readLine())).isEqualTo("t\rwo");
        assertThat(text(reader.readLine())).isEmpty();
        assertThat(reader.readLine()).isNull();
    }

    @Test
    @DisplayName("B-W1 bytes after the last newline come back as a final line at end of stream")
    void returnsFinalLineWithoutNewline() throws IOException {
        LineReader reader = reader("first\nlast");

        assertThat(text(reader.readLine())).isEqualTo("first");
        assertThat(text(reader.readLine())).isEqualTo("last");
        assertThat(reader.readLine()).isNull();
        assertThat(reader.readLine()).as("end of stream stays the end").isNull();
    }

    @Test
    @DisplayName("B-W1 an empty stream has no lines")
    void emptyStreamHasNoLines() throws IOException {
        LineReader reader = reader("");

        assertThat(reader.readLine()).isNull();
    }

    @Test
    @DisplayName("B-C4 a line of exactly the limit is accepted, one byte more is refused")
    void acceptsLineAtLimitAndRefusesOneMore() throws IOException {
        String atLimit = "a".repeat(100);
        LineReader ok = new LineReader(stream(atLimit + "\n" + atLimit + "\r\n"), 100);
        assertThat(ok.readLine()).hasSize(100);
        assertThat(ok.readLine()).hasSize(100);

        LineReader tooLong = new LineReader(stream(atLimit + "b\n"), 100);
        assertThatThrownBy(tooLong::readLine).isInstanceOf(LineTooLongException.class).hasMessageContaining("100");
    }

    @Test
    @DisplayName("B-C4 a line of exactly the limit ending in CR LF is accepted however the bytes arrive")
    void acceptsLineAtLimitWithCrLfAcrossReads() throws IOException {
        String line = "a".repeat(100);
        LineReader whole = new LineReader(stream(line + "\r\n"), 100);
        LineReader split = new LineReader(new ChunkedStream((line + "\r").getBytes(UTF_8), "\n".getBytes(UTF_8)), 100);

        assertThat(whole.readLine()).hasSize(100);
        assertThat(split.readLine()).as("the CR arrived before its LF").hasSize(100);
    }

    @Test
    @DisplayName("B-C4 a line without end over the limit throws after reading about the limit, not unbounded data")
    void refusesEndlessLineWithoutReadingUnboundedData() {
        EndlessBytes endless = new EndlessBytes((byte) 'a', 16 * LIMIT);
        LineReader reader = new LineReader(endless, LIMIT);

        assertThatThrownBy(reader::readLine).isInstanceOf(LineTooLongException.class);
        // the reader may buffer the limit plus one read's worth, never more (B-C4: no unbounded buffering)
        assertThat(endless.served()).isGreaterThan(LIMIT).isLessThanOrEqualTo(LIMIT + 8192L);
    }

    @Test
    @DisplayName("B-W1 many lines arrive intact across reads of 1 to 3 bytes")
    void reassemblesLinesAcrossTinyReads() throws IOException {
        Random random = new Random(42);
        List<String> sent = new ArrayList<>();
        StringBuilder all = new StringBuilder();
        for (int i = 0; i < 2_000; i++) {
            String line = "{\"id\":" + i + ",\"text\":\"é€😀" + "x".repeat(random.nextInt(40)) + "\"}";
            sent.add(line);
            all.append(line).append(i % 7 == 0 ? "\r\n" : "\n");
        }
        LineReader reader = new LineReader(new TrickleStream(all.toString().getBytes(UTF_8), new Random(7)), LIMIT);

        List<String> received = new ArrayList<>();
        byte[] line;
        while ((line = reader.readLine()) != null) {
            received.add(text(line));
        }

        assertThat(received).containsExactlyElementsOf(sent);
    }

    private static LineReader reader(String content) {
        return new LineReader(stream(content), LIMIT);
    }

    private static InputStream stream(String content) {
        return new ByteArrayInputStream(content.getBytes(UTF_8));
    }

    private static String text(byte[] line) {
        return line == null ? null : new String(line, UTF_8);
    }

    /** An endless run of one byte, like a slowloris peer; fails the test if read past {@code failAfter} bytes. */
    private static final class EndlessBytes extends InputStream {
        private final byte value;
        private final long failAfter;
        private long served;

        EndlessBytes(byte value, long failAfter) {
            this.value = value;
            this.failAfter = failAfter;
        }

        long served() {
            return served;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            read(one, 0, 1);
            return one[0];
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (served > failAfter) {
                throw new AssertionError("the reader kept reading past " + failAfter + " bytes of one line");
            }
            Arrays.fill(b, off, off + len, value);
            served += len;
            return len;
        }
    }

    /** Serves the given chunks, one per read. */
    private static final class ChunkedStream extends InputStream {
        private final java.util.ArrayDeque<byte[]> chunks = new java.util.ArrayDeque<>();

        ChunkedStream(byte[]... chunks) {
            this.chunks.addAll(List.of(chunks));
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            byte[] chunk = chunks.poll();
            if (chunk == null) {
                return -1;
            }
            if (chunk.length > len) {
                chunks.addFirst(Arrays.copyOfRange(chunk, len, chunk.length));
            }
            int n = Math.min(len, chunk.length);
            System.arraycopy(chunk, 0, b, off, n);
            return n;
        }
    }

    /** Serves its bytes 1 to 3 at a time, as a slow socket would. */
    private static final class TrickleStream extends InputStream {
        private final byte[] data;
        private final Random random;
        private int position;

        TrickleStream(byte[] data, Random random) {
            this.data = data;
            this.random = random;
        }

        @Override
        public int read() {
            return position < data.length ? data[position++] & 0xFF : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (position >= data.length) {
                return -1;
            }
            int n = Math.min(Math.min(len, 1 + random.nextInt(3)), data.length - position);
            System.arraycopy(data, position, b, off, n);
            position += n;
            return n;
        }
    }
}
