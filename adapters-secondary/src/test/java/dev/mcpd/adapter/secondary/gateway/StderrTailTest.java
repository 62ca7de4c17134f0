package dev.mcpd.adapter.secondary.gateway;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpd.domain.testing.ManualTicker;
import dev.mcpd.domain.testing.TestTime;
import dev.mcpd.domain.time.Ticker;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** A child's stderr is always drained, logged with its server's name at a bounded rate, its tail kept (ADR 0016). */
class StderrTailTest {

    @Test
    @EnabledOnOs(OS.LINUX)
    @Timeout(120) // a stalled child never prints its first line
    void aChildWritingOneMebibyteToStderrBeforeItsFirstLineNeverStalls() throws Exception {
        List<String> logged = new CopyOnWriteArrayList<>();
        StderrTail stderr = new StderrTail("flood", 16 * 1024, 20, Ticker.system(), logged::add);
        Process child = new ProcessBuilder("sh", "-c",
                "head -c 1048576 /dev/zero | tr '\\000' x | fold -w 99 >&2; echo ready").start();
        try {
            Thread drain = stderr.drain(child.getErrorStream());
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), UTF_8));
            String first = out.readLine(); // a stalled child would never print it: the test would time out

            assertThat(first).isEqualTo("ready");
            assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
            drain.join(TestTime.scaled(Duration.ofSeconds(10)));
            assertThat(stderr.tail().length()).isBetween(15 * 1024, 16 * 1024);
            assertThat(stderr.tail()).matches("[x\n]+").endsWith("\n" + "x".repeat(1048576 % 99));
            assertThat(logged).hasSizeLessThanOrEqualTo(20 * 60).allMatch(line -> line.startsWith("flood: "));
        } finally {
            child.destroyForcibly();
        }
    }

    @Test
    void linesOverTheRateAreCountedAndSummarisedNextSecond() {
        ManualTicker ticker = new ManualTicker();
        List<String> logged = new CopyOnWriteArrayList<>();
        StderrTail stderr = new StderrTail("chatty", 1024, 3, ticker, logged::add);

        for (int i = 1; i <= 10; i++) {
            stderr.accept("line " + i);
        }
        ticker.advance(Duration.ofSeconds(1));
        stderr.accept("line 11");

        assertThat(logged).containsExactly("chatty: line 1", "chatty: line 2", "chatty: line 3",
                "chatty: (7 more stderr lines not logged)", "chatty: line 11");
        assertThat(stderr.tail()).startsWith("line 1\n").endsWith("line 11");
    }

    @Test
    void anEndlessLineIsCutNotKeptWhole() {
        StderrTail stderr = new StderrTail("s", 100_000, 10, new ManualTicker(), line -> { });

        stderr.accept("y".repeat(1_000_000));

        assertThat(stderr.tail()).hasSize(StderrTail.MAX_LINE_CHARS + 1).endsWith("…");
    }
}
