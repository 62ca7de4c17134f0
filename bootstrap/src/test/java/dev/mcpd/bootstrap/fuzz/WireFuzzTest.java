package dev.mcpd.bootstrap.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpd.adapter.primary.wire.JacksonJsonCodec;
import dev.mcpd.application.daemon.HelloProtocol;
import dev.mcpd.application.diagnostics.DiagnosticsEngine;
import dev.mcpd.application.jsonrpc.RequestId;
import dev.mcpd.application.mcp.CallObserver;
import dev.mcpd.application.mcp.Json;
import dev.mcpd.application.mcp.McpServerSession;
import dev.mcpd.application.mcp.ServerInfo;
import dev.mcpd.application.mcp.SessionSettings;
import dev.mcpd.application.mcp.ToolCatalog;
import dev.mcpd.application.wire.LineReader;
import dev.mcpd.domain.error.LineTooLongException;
import dev.mcpd.domain.error.MalformedMessageException;
import dev.mcpd.domain.fake.InMemoryEngine;
import dev.mcpd.domain.model.Availability;
import dev.mcpd.domain.model.ClientId;
import dev.mcpd.domain.model.Tool;
import dev.mcpd.domain.model.ToolResult;
import dev.mcpd.domain.port.CallContext;
import dev.mcpd.domain.port.Engine;
import dev.mcpd.domain.time.Ticker;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;

/**
 * Coverage-guided fuzzing of what a client's bytes go through in the daemon, in the order
 * {@code ClientConnectionHandler} applies it: {@link LineReader} (B-W1, B-C4) → {@link JacksonJsonCodec#parse}
 * (B-M4, B-X1) → {@link HelloProtocol#parseClientHello} for the first line (B-W3, B-W4) →
 * {@link McpServerSession#onMessage}/{@link McpServerSession#onMalformed} (B-M1, B-M2, B-M3, B-M4, B-M5, B-M6, B-M7,
 * B-M8) with a real catalog
 * (the diagnostics engine without its process-starting tool, and the in-memory engine of the domain's tests).
 *
 * <p>Invariants checked for every input (a failure is a bug; the input that found it is kept by Jazzer):
 * <ol>
 *   <li>only the documented exceptions leave the wire layer: {@link LineTooLongException} from the reader (which
 *       ends the connection) and {@link MalformedMessageException} from the codec; the hello parser and the session
 *       throw nothing;
 *   <li>no line longer than the limit comes out of the reader;
 *   <li>every outbound message serialises to one line (no newline byte) of valid JSON, which the codec reads back;
 *   <li>every request (an object with a string or integer {@code id} that is not a response: even one without a
 *       {@code method} is answered, with -32600) gets exactly one answer
 *       with its id, once the session is closed with answers (shutdown); a request named by a
 *       {@code notifications/cancelled} gets at most one (B-M7); no answer carries an id nobody sent;
 *   <li>the session becomes idle within {@link #IDLE} after close (no call thread hangs).
 * </ol>
 *
 * <p>In a normal build ({@code mvn test}) this runs in Jazzer's regression mode: only the seeds under
 * {@code src/test/resources/dev/mcpd/bootstrap/fuzz/WireFuzzTestInputs/} and any crash files kept there. With
 * {@code JAZZER_FUZZ=1} it fuzzes for {@code maxDuration} (docs/reliability.md has the command and the last
 * long run). Review section 4, "the harness that keeps it fixed".
 */
class WireFuzzTest {

    /** How long a closed session may take to finish its call threads; only a hang exceeds it. */
    private static final Duration IDLE = Duration.ofSeconds(5);

    private static final JacksonJsonCodec CODEC = new JacksonJsonCodec();
    private static final ObjectMapper STRICT = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final ToolCatalog CATALOG = new ToolCatalog(List.of(
            new WithoutTool(new DiagnosticsEngine(), "diag_hold_process"), new InMemoryEngine()));

    @FuzzTest(maxDuration = "30s")
    void everyRequestGetsExactlyOneWellFormedAnswer(byte[] input) throws Exception {
        if (input.length < 2) {
            return;
        }
        // The first two bytes choose the line limit (64..8224 bytes: both sides of the 4 KiB hello limit) and the
        // read chunk size (1..256 bytes), so line boundaries fall everywhere relative to the reader's buffer.
        int maxLineBytes = 64 + (input[0] & 0xff) * 32;
        int chunk = 1 + (input[1] & 0xff);
        InputStream in = new Chunked(new ByteArrayInputStream(input, 2, input.length - 2), chunk);
        LineReader reader = new LineReader(in, maxLineBytes);

        List<Map<String, Object>> out = new CopyOnWriteArrayList<>();
        McpServerSession session = new McpServerSession(CATALOG,
                SessionSettings.uncapped(new ServerInfo("mcpd", "fuzz", "Fuzzed."), Duration.ofSeconds(30), 2), out::add,
                CallObserver.NONE, new ClientId(1), Map.of(), Clock.systemUTC(), Ticker.system(), CODEC);
        Map<String, Integer> requests = new HashMap<>();
        Set<String> cancelled = new HashSet<>();
        try {
            boolean first = true;
            byte[] line;
            while (true) {
                try {
                    line = reader.readLine();
                } catch (LineTooLongException e) {
                    break; // documented: the handler answers it and closes the connection
                }
                if (line == null) {
                    break;
                }
                assertThat(line.length).as("line length").isLessThanOrEqualTo(maxLineBytes);
                Object message;
                try {
                    message = CODEC.parse(line, 0, line.length);
                } catch (MalformedMessageException e) {
                    session.onMalformed(e.getMessage());
                    first = false;
                    continue;
                }
                if (first) {
                    first = false;
                    HelloProtocol.Parsed parsed = HelloProtocol.parseClientHello(message, line.length);
                    assertThat(parsed).isNotNull();
                    if (!(parsed instanceof HelloProtocol.Parsed.NotHello)) {
                        continue; // a hello (valid or not) is not part of the MCP session
                    }
                }
                expect(message, requests, cancelled);
                session.onMessage(message);
            }
        } finally {
            session.close(true);
            awaitIdle(session);
        }

        Map<String, Integer> answers = new HashMap<>();
        for (Map<String, Object> message : out) {
            byte[] bytes = CODEC.write(message);
            for (byte b : bytes) {
                assertThat(b).as("newline inside an outbound message").isNotEqualTo((byte) '\n');
            }
            STRICT.readTree(bytes); // throws on invalid JSON
            CODEC.parse(bytes, 0, bytes.length);
            if (message.containsKey("id") && (message.containsKey("result") || message.containsKey("error"))) {
                Object id = message.get("id");
                if (id != null) {
                    answers.merge(key(id), 1, Integer::sum);
                }
            }
        }
        for (Map.Entry<String, Integer> e : answers.entrySet()) {
            assertThat(requests).as("answer to an id nobody sent: " + e.getKey()).containsKey(e.getKey());
        }
        for (Map.Entry<String, Integer> e : requests.entrySet()) {
            int answered = answers.getOrDefault(e.getKey(), 0);
            if (cancelled.contains(e.getKey())) {
                assertThat(answered).as("answers to cancelled id " + e.getKey()).isLessThanOrEqualTo(e.getValue());
            } else {
                assertThat(answered).as("answers to id " + e.getKey()).isEqualTo(e.getValue());
            }
        }
    }

    /**
     * Waits for the session's call threads to end, polling every 20 µs ({@link McpServerSession#awaitIdle} sleeps
     * 5 ms per poll, which would cap the fuzzer at a few hundred executions a second).
     */
    private static void awaitIdle(McpServerSession session) {
        long until = System.nanoTime() + IDLE.toNanos();
        while (!session.awaitIdle(Duration.ZERO)) {
            assertThat(System.nanoTime()).as("session idle within " + IDLE + " after close").isLessThan(until);
            LockSupport.parkNanos(20_000);
        }
    }

    /** Records what the session owes for {@code message}: one answer per request id; cancellations. */
    private static void expect(Object message, Map<String, Integer> requests, Set<String> cancelled) {
        Map<String, Object> m = Json.asObject(message);
        if (m == null) {
            return;
        }
        boolean response = m.get("method") == null && (m.containsKey("result") || m.containsKey("error"));
        if (m.containsKey("id") && RequestId.isValid(m.get("id")) && !response) {
            requests.merge(key(m.get("id")), 1, Integer::sum);
        }
        if ("notifications/cancelled".equals(m.get("method")) && !m.containsKey("id")) {
            Map<String, Object> params = Json.asObject(m.get("params"));
            if (params != null && params.get("requestId") != null) {
                cancelled.add(key(params.get("requestId")));
            }
        }
    }

    private static String key(Object id) {
        return (id instanceof Number ? "n:" : "s:") + id;
    }

    /** Hands out at most {@code chunk} bytes per read, as a socket may. */
    private static final class Chunked extends InputStream {
        private final InputStream in;
        private final int chunk;

        Chunked(InputStream in, int chunk) {
            this.in = in;
            this.chunk = chunk;
        }

        @Override
        public int read() throws IOException {
            return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return in.read(b, off, Math.min(len, chunk));
        }
    }

    /** An engine without one of its tools (the fuzzer must not start child processes). */
    private record WithoutTool(Engine engine, String hidden) implements Engine {
        @Override
        public String name() {
            return engine.name();
        }

        @Override
        public Availability availability() {
            return engine.availability();
        }

        @Override
        public List<Tool> tools() {
            List<Tool> tools = new ArrayList<>(engine.tools());
            tools.removeIf(t -> t.name().equals(hidden));
            return tools;
        }

        @Override
        public ToolResult call(String tool, Map<String, Object> arguments, CallContext context) throws InterruptedException {
            if (tool.equals(hidden)) {
                throw new IllegalStateException(hidden + " is hidden from the fuzzer and the catalog never routes it here");
            }
            return engine.call(tool, arguments, context);
        }

        @Override
        public void close() {
            engine.close();
        }
    }
}
