package dev.mcpd.benchmarks;

import dev.mcpd.adapter.primary.wire.JacksonJsonCodec;
import dev.mcpd.application.wire.LineReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** The hot path of every message: framing a line and parsing it, and writing a response. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class JsonCodecBenchmark {

    private static final byte[] CALL = ("{\"jsonrpc\":\"2.0\",\"id\":42,\"method\":\"tools/call\",\"params\":{\"name\":"
            + "\"stop_container\",\"arguments\":{\"container\":\"web-1\",\"timeout_seconds\":10},\"_meta\":{\"progressToken\":7}}}")
            .getBytes(StandardCharsets.UTF_8);

    private final JacksonJsonCodec codec = new JacksonJsonCodec();
    private static final byte[] RESPONSE = ("{\"jsonrpc\":\"2.0\",\"id\":42,\"result\":{\"content\":[{\"type\":\"text\","
            + "\"text\":\"stopped container web-1\"}],\"structuredContent\":{\"container\":\"web-1\",\"result\":\"stopped\","
            + "\"timeout_seconds\":10},\"isError\":false}}").getBytes(StandardCharsets.UTF_8);

    private final Object response = codec.parse(RESPONSE, 0, RESPONSE.length);
    private byte[] lines;

    @Setup
    public void setUp() {
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            many.append(new String(CALL, StandardCharsets.UTF_8)).append('\n');
        }
        lines = many.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Benchmark
    public Object parseToolsCall() {
        return codec.parse(CALL, 0, CALL.length);
    }

    @Benchmark
    public byte[] writeToolResult() {
        return codec.write(response);
    }

    /** 100 lines of a tools/call framed and parsed: divide by 100 for one message. */
    @Benchmark
    public int frameAndParse100Lines() throws IOException {
        LineReader reader = new LineReader(new ByteArrayInputStream(lines), 1 << 20);
        int n = 0;
        byte[] line;
        while ((line = reader.readLine()) != null) {
            codec.parse(line, 0, line.length);
            n++;
        }
        return n;
    }
}
