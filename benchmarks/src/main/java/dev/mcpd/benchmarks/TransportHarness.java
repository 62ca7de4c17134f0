package dev.mcpd.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpd.adapter.primary.tcp.TcpConnector;
import dev.mcpd.adapter.primary.unixsocket.UnixSocketConnector;
import dev.mcpd.domain.model.Endpoint;
import dev.mcpd.domain.model.TcpKeepalive;
import dev.mcpd.domain.model.TransportKind;
import dev.mcpd.domain.port.Connection;
import dev.mcpd.domain.port.DaemonConnector;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Round-trip latency and throughput per transport (B-T1): one real daemon ({@code bin/mcpd daemon run}) listening
 * on its Unix socket and on TCP ({@code MCPD_TCP_LISTEN=127.0.0.1:0}), and N clients (1, 8, 64) connected through
 * the proxy's own connectors ({@link UnixSocketConnector}, {@link TcpConnector}), each doing hello (with the token
 * over TCP), {@code initialize}, then MCP {@code ping} requests in a closed loop: one in flight per client. Each
 * round warms up for {@code warmUp}, then measures for {@code measure}. Prints a Markdown table.
 *
 * <p>Usage: {@code TransportHarness <repo root> [measureSeconds]}, via {@code scripts/bench.sh --transports}.
 */
public final class TransportHarness {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int[] CLIENTS = {1, 8, 64};

    private final Path root;
    private final Duration warmUp = Duration.ofSeconds(2);
    private final Duration measure;

    private TransportHarness(Path root, Duration measure) {
        this.root = root;
        this.measure = measure;
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]).toAbsolutePath();
        Duration measure = Duration.ofSeconds(args.length > 1 ? Long.parseLong(args[1]) : 5);
        new TransportHarness(root, measure).run();
        System.exit(0);
    }

    private void run() throws Exception {
        Path stateDir = Files.createTempDirectory(Path.of("/tmp"), "mcpd-bench-");
        ProcessBuilder builder = new ProcessBuilder(root.resolve("bin/mcpd").toString(), "daemon", "run")
                .redirectErrorStream(true).redirectOutput(stateDir.resolve("daemon-run.out").toFile());
        builder.environment().put("MCPD_STATE_DIR", stateDir.toString());
        builder.environment().put("MCPD_ENGINES", "none");
        builder.environment().put("MCPD_DAEMON_IDLE_TIMEOUT", "0");
        builder.environment().put("MCPD_TCP_LISTEN", "127.0.0.1:0");
        builder.environment().put("MCPD_LOG_LEVEL", "warn");
        Process daemon = builder.start();
        try {
            JsonNode record = awaitRecord(stateDir.resolve("daemon.json"));
            String token = record.path("token").asText();
            System.out.printf("Daemon pid %d; ping round trips, one in flight per client; %d s measured after %d s warm-up.%n%n",
                    daemon.pid(), measure.toSeconds(), warmUp.toSeconds());
            System.out.println("| transport | clients | requests | throughput | median | p90 | p99 | max |");
            System.out.println("|---|---|---|---|---|---|---|---|");
            for (JsonNode e : record.path("endpoints")) {
                Endpoint endpoint = Endpoint.parse(e.asText());
                DaemonConnector connector = endpoint.kind() == TransportKind.TCP
                        ? new TcpConnector(TcpKeepalive.DEFAULTS, Duration.ofSeconds(5)) : new UnixSocketConnector();
                for (int clients : CLIENTS) {
                    round(endpoint, connector, endpoint.kind() == TransportKind.TCP ? token : null, clients);
                }
            }
        } finally {
            daemon.destroy();
            daemon.waitFor(15, TimeUnit.SECONDS);
            try (var files = Files.walk(stateDir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private void round(Endpoint endpoint, DaemonConnector connector, String token, int clients) throws Exception {
        List<Client> connected = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            connected.add(new Client(connector.connect(endpoint), token));
        }
        List<Histogram> histograms = new ArrayList<>();
        CountDownLatch done = new CountDownLatch(clients);
        long warmUpEnd = System.nanoTime() + warmUp.toNanos();
        long end = warmUpEnd + measure.toNanos();
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        for (Client client : connected) {
            Histogram h = Report.histogram();
            histograms.add(h);
            Thread.ofPlatform().start(() -> {
                try {
                    long id = 100;
                    long now;
                    while ((now = System.nanoTime()) < end) {
                        client.ping(id++);
                        long took = System.nanoTime() - now;
                        if (now >= warmUpEnd) {
                            h.recordValue(Math.max(1, TimeUnit.NANOSECONDS.toMicros(took)));
                        }
                    }
                } catch (Throwable t) {
                    failures.add(t);
                } finally {
                    done.countDown();
                }
            });
        }
        done.await();
        connected.forEach(Client::close);
        if (!failures.isEmpty()) {
            throw new IllegalStateException(failures.size() + " clients failed", failures.getFirst());
        }
        Histogram all = Report.histogram();
        histograms.forEach(all::add);
        double perSecond = all.getTotalCount() / (double) measure.toSeconds();
        System.out.printf("| %s | %d | %d | %,.0f req/s | %s | %s | %s | %s |%n", endpoint.kind().scheme(), clients,
                all.getTotalCount(), perSecond, Report.ms(all.getValueAtPercentile(50)),
                Report.ms(all.getValueAtPercentile(90)), Report.ms(all.getValueAtPercentile(99)), Report.ms(all.getMaxValue()));
    }

    private static JsonNode awaitRecord(Path record) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (Files.exists(record)) {
                JsonNode node = JSON.readTree(record.toFile());
                if (node.path("endpoints").size() >= 2) {
                    return node;
                }
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("no daemon record with two endpoints at " + record);
    }

    /** One connection after the hellos and initialize: ping, wait for its answer. */
    private static final class Client implements AutoCloseable {
        private final Connection connection;
        private final BufferedReader in;
        private final OutputStream out;

        Client(Connection connection, String token) throws IOException {
            this.connection = connection;
            this.in = new BufferedReader(new InputStreamReader(connection.input(), StandardCharsets.UTF_8));
            this.out = connection.output();
            in.readLine(); // the daemon's hello
            send(JSON.writeValueAsString(token == null
                    ? Map.of("mcpd_client", 1, "pid", ProcessHandle.current().pid())
                    : Map.of("mcpd_client", 1, "pid", ProcessHandle.current().pid(), "token", token)));
            send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\","
                    + "\"capabilities\":{},\"clientInfo\":{\"name\":\"bench\",\"version\":\"1\"}}}");
            expect(1);
            send("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
        }

        void ping(long id) throws IOException {
            send("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"ping\"}");
            expect(id);
        }

        private void send(String line) throws IOException {
            out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        private void expect(long id) throws IOException {
            String line = in.readLine();
            if (line == null || !line.contains("\"id\":" + id + ",") && !line.contains("\"id\":" + id + "}")) {
                throw new IOException("expected the answer to " + id + ", got " + line);
            }
        }

        @Override
        public void close() {
            connection.close();
        }
    }
}
