package dev.mcpd.benchmarks;

import static dev.mcpd.benchmarks.Report.histogram;
import static dev.mcpd.benchmarks.Report.ms;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpd.adapter.secondary.hyperd.HyperdBinaryLocator;
import dev.mcpd.adapter.secondary.hyperd.HyperdSupervisor;
import dev.mcpd.adapter.secondary.hyperd.PgWireHyperdClient;
import dev.mcpd.adapter.secondary.hyperd.PgWireHyperdClientConfig;
import dev.mcpd.domain.error.HyperdException;
import dev.mcpd.testing.McpdScope;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The hyperd engine's numbers: query latency through mcpd (proxy, daemon, engine, pool) against pgjdbc
 * straight to the same hyperd; throughput of 8 concurrent sessions; how long a dead or frozen hyperd takes to be
 * noticed. Real {@code bin/mcpd serve --mcp} processes, a real daemon and a real hyperd. Prints Markdown.
 * Usage: {@code HyperdHarness <repo root> [queries]}.
 */
public final class HyperdHarness {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String POINT_QUERY = "SELECT a, b FROM bench WHERE a = ";

    private final McpdScope scope;

    private HyperdHarness(Path root, Path hyperd) throws IOException {
        this.scope = McpdScope.create(root, "mcpd-bench-h-").env("MCPD_ENGINES", "hyperd")
                .env("MCPD_HYPERD_PATH", hyperd.toString()).env("MCPD_DAEMON_IDLE_TIMEOUT", "60s");
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]).toAbsolutePath().normalize();
        int queries = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        HyperdBinaryLocator.Located located = HyperdBinaryLocator.system();
        Path hyperd = located.binary().orElseThrow(() -> new IllegalStateException(located.whyMissing()));
        HyperdHarness harness = new HyperdHarness(root, hyperd);
        try {
            harness.run(queries, hyperd);
        } finally {
            harness.scope.close();
        }
    }

    private void run(int queries, Path hyperd) throws Exception {
        System.out.println("hyperd " + hyperd + "; point query `" + POINT_QUERY + "<n>` on a 10 000-row table; "
                + queries + " queries per row below.");
        System.out.println();
        System.out.println("| What | Queries | Median | p90 | p99 | Max |");
        System.out.println("|---|---|---|---|---|---|");
        try (Session session = new Session()) {
            session.call("execute", Map.of("sql", "CREATE TABLE bench (a INT, b TEXT)"));
            session.call("execute", Map.of("sql", "INSERT INTO bench SELECT g, 'row ' || g FROM generate_series(1, 10000) g"));
            for (int i = 0; i < 200; i++) {
                session.call("query", Map.of("sql", POINT_QUERY + i));
            }
            Histogram viaMcpd = histogram();
            for (int i = 0; i < queries; i++) {
                long started = System.nanoTime();
                JsonNode result = session.call("query", Map.of("sql", POINT_QUERY + (i % 10_000 + 1)));
                viaMcpd.recordValue((System.nanoTime() - started) / 1000);
                if (result.path("isError").asBoolean()) {
                    throw new IllegalStateException(result.toString());
                }
            }
            JsonNode status = session.call("hyperd_status", Map.of()).path("structuredContent");
            String endpoint = status.path("endpoint").asText();
            String database = status.path("database").asText();
            Histogram direct = histogram();
            // hyperd listens on a Unix-domain socket only (ADR 0013): tab.domain://<dir>/domain/<name>.
            int split = endpoint.lastIndexOf("/domain/");
            String socket = endpoint.substring("tab.domain://".length(), split) + "/" + endpoint.substring(split + 8);
            Properties properties = new Properties();
            properties.setProperty("user", "tableau_internal_user");
            properties.setProperty("preferQueryMode", "extendedForPrepared");
            properties.setProperty("sslmode", "disable");
            properties.setProperty("socketFactory", "org.newsclub.net.unix.AFUNIXSocketFactory$FactoryArg");
            properties.setProperty("socketFactoryArg", socket);
            try (Connection connection = DriverManager.getConnection("jdbc:postgresql://localhost/", properties);
                    Statement statement = connection.createStatement()) {
                statement.execute("ATTACH DATABASE \"" + database.replace("\"", "\"\"") + "\" AS main");
                for (int i = 0; i < 200 + queries; i++) {
                    long started = System.nanoTime();
                    try (ResultSet rows = statement.executeQuery(POINT_QUERY + (i % 10_000 + 1))) {
                        while (rows.next()) {
                            rows.getString(2);
                        }
                    }
                    if (i >= 200) {
                        direct.recordValue((System.nanoTime() - started) / 1000);
                    }
                }
            }
            Report.row("`query` through mcpd (host → proxy → daemon → pool → hyperd)", viaMcpd);
            Report.row("pgjdbc straight to the same hyperd (one connection)", direct);
            System.out.println();
            System.out.printf("Overhead of mcpd per query: median %s, p99 %s.%n",
                    ms(viaMcpd.getValueAtPercentile(50) - direct.getValueAtPercentile(50)),
                    ms(viaMcpd.getValueAtPercentile(99) - direct.getValueAtPercentile(99)));
            System.out.println();
            throughput(queries);
        } finally {
            stopDaemon();
        }
        System.out.println();
        detection(hyperd);
    }

    private void throughput(int queries) throws Exception {
        int sessions = 8;
        List<Session> open = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int s = 0; s < sessions; s++) {
                open.add(new Session());
            }
            Histogram latency = histogram();
            long started = System.nanoTime();
            List<Future<?>> runs = new ArrayList<>();
            for (Session session : open) {
                runs.add(threads.submit(() -> {
                    for (int i = 0; i < queries; i++) {
                        long begun = System.nanoTime();
                        session.call("query", Map.of("sql", POINT_QUERY + (i % 10_000 + 1)));
                        synchronized (latency) {
                            latency.recordValue((System.nanoTime() - begun) / 1000);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> run : runs) {
                run.get(10, TimeUnit.MINUTES);
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            System.out.println("| What | Queries | Median | p90 | p99 | Max |");
            System.out.println("|---|---|---|---|---|---|");
            Report.row(sessions + " concurrent sessions (one proxy each), one shared daemon and pool", latency);
            System.out.println();
            System.out.printf("Throughput: %d queries in %.2f s = **%.0f queries/s** with %d sessions.%n",
                    latency.getTotalCount(), seconds, latency.getTotalCount() / seconds, sessions);
        } finally {
            for (Session session : open) {
                session.close();
            }
        }
    }

    /** How long a frozen hyperd holds a call, and how long a killed one is down, measured on the client itself. */
    private void detection(Path hyperd) throws Exception {
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "mcpd-bench-hd-");
        Clock clock = Clock.systemUTC();
        PgWireHyperdClientConfig config = PgWireHyperdClientConfig.defaults(dir);
        try (PgWireHyperdClient client = new PgWireHyperdClient(new HyperdSupervisor(hyperd, config, clock), config,
                clock)) {
            client.query(null, "SELECT 1", 1, clock.instant().plusSeconds(30));
            long pid = client.status().pid();
            System.out.println("| Failure | Deadline | Detected after | Next call succeeds after |");
            System.out.println("|---|---|---|---|");
            for (Duration deadline : List.of(Duration.ofSeconds(1), Duration.ofSeconds(5))) {
                signal("STOP", pid);
                long started = System.nanoTime();
                String outcome;
                try {
                    client.query(null, "SELECT 1", 1, clock.instant().plus(deadline));
                    outcome = "answered?";
                } catch (HyperdException e) {
                    outcome = e.getClass().getSimpleName();
                }
                long detected = System.nanoTime() - started;
                signal("CONT", pid);
                long recovered = untilAnswered(client, clock);
                System.out.printf("| hyperd frozen (SIGSTOP), `query` | %d s | %s (%s) | %s after SIGCONT |%n",
                        deadline.toSeconds(), ms(detected / 1000), outcome, ms(recovered / 1000));
            }
            signal("KILL", pid);
            long killed = System.nanoTime();
            long restarted = untilAnswered(client, clock);
            System.out.printf("| hyperd killed (SIGKILL) | 30 s | next call fails at once or is served by the restarted "
                    + "hyperd | %s after SIGKILL (restart, new pool) |%n", ms((System.nanoTime() - killed) / 1000));
            if (restarted < 0) {
                throw new IllegalStateException("hyperd did not come back");
            }
        }
        System.out.println();
        System.out.printf("Socket read timeout = time left + %d s grace; cancel request timeout 1 s; every "
                + "connection goes to hyperd's Unix-domain socket in a private directory (ADR 0013).%n", config.socketGrace().toSeconds());
    }

    private static long untilAnswered(PgWireHyperdClient client, Clock clock) throws InterruptedException {
        long started = System.nanoTime();
        while (System.nanoTime() - started < TimeUnit.SECONDS.toNanos(60)) {
            try {
                client.query(null, "SELECT 1", 1, clock.instant().plusSeconds(5));
                return System.nanoTime() - started;
            } catch (HyperdException e) {
                Thread.sleep(10);
            }
        }
        return -1;
    }

    private static void signal(String signal, long pid) throws Exception {
        new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start().waitFor();
    }

    private void stopDaemon() throws Exception {
        Process stop = scope.builder(scope.command("daemon", "stop"), Map.of()).redirectErrorStream(true).start();
        stop.getInputStream().readAllBytes();
        stop.waitFor(30, TimeUnit.SECONDS);
    }

    /** One MCP session over a proxy's stdio; one request at a time. */
    private final class Session implements AutoCloseable {
        private final Process process;
        private final OutputStream in;
        private final BufferedReader out;
        private long id;

        Session() throws IOException {
            process = scope.builder(scope.command("serve", "--mcp"), Map.of()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            in = process.getOutputStream();
            out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            request("initialize", Map.of("protocolVersion", "2025-06-18", "capabilities", Map.of(),
                    "clientInfo", Map.of("name", "mcpd-bench", "version", "1")));
            write(Map.of("jsonrpc", "2.0", "method", "notifications/initialized"));
        }

        JsonNode call(String tool, Map<String, Object> arguments) throws IOException {
            return request("tools/call", Map.of("name", tool, "arguments", arguments)).path("result");
        }

        private JsonNode request(String method, Map<String, Object> params) throws IOException {
            long mine = ++id;
            write(Map.of("jsonrpc", "2.0", "id", mine, "method", method, "params", params));
            for (String line; (line = out.readLine()) != null; ) {
                JsonNode message = JSON.readTree(line);
                if (message.path("id").asLong(-1) == mine) {
                    return message;
                }
            }
            throw new IOException("the proxy closed its stdout");
        }

        private void write(Map<String, Object> message) throws IOException {
            in.write((JSON.writeValueAsString(message) + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
        }

        @Override
        public void close() throws Exception {
            in.close();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
