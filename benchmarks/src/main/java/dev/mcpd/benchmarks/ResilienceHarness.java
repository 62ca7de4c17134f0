package dev.mcpd.benchmarks;

import static dev.mcpd.benchmarks.Report.ms;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpd.testing.McpdScope;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * The daemon-loss load test (B-G3, B-G4, B-G5): {@value #PROXIES} real {@code bin/mcpd serve --mcp} proxies, each
 * with one request outstanding at a time (alternately {@code ping} and {@code tools/call diag_echo}) in a loop through
 * real MCP framing for {@value #RUN_SECONDS} s; {@value #KILL_AFTER_SECONDS} s in, the daemon (pid from
 * {@code daemon.json}) is SIGKILLed. Every request must get exactly one response, none later than 2 s. Counts sent,
 * answered, missing (after a {@value #GRACE_SECONDS} s grace), duplicated (an id answered before), JSON-RPC errors
 * and tool errors; latency overall and for the requests in flight at the kill or sent in the 2 s after it; and how
 * long until a new daemon wrote {@code daemon.json} and until all proxies were its clients again
 * ({@code daemon_status} over the socket). Prints Markdown. Usage: {@code ResilienceHarness <repo root> [runs]}.
 */
public final class ResilienceHarness {

    private static final ObjectMapper JSON = McpdRig.JSON;
    private static final int PROXIES = 8;
    private static final int RUN_SECONDS = 20;
    private static final int KILL_AFTER_SECONDS = 5;
    private static final int GRACE_SECONDS = 5;
    private static final long BOUND_MICROS = TimeUnit.SECONDS.toMicros(2);
    private static final long WINDOW_NANOS = TimeUnit.SECONDS.toNanos(2);
    private static final String INIT = "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
            + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"mcpd-bench\",\"version\":\"1\"}}}";

    private final Path root;
    private McpdScope scope;
    private Path stateDir;
    private volatile long killedAt; // System.nanoTime() of the SIGKILL, 0 before it

    private ResilienceHarness(Path root) {
        this.root = root;
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]).toAbsolutePath().normalize();
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        ResilienceHarness harness = new ResilienceHarness(root);
        int passed = 0;
        for (int run = 1; run <= runs; run++) {
            System.out.printf("### Run %d of %d%n%n", run, runs);
            if (harness.run()) {
                passed++;
            }
            System.out.println();
        }
        System.out.printf("**%d of %d runs passed** (exactly one response per request, none later than 2 s)%n", passed, runs);
    }

    /** One run: start the proxies, load them, kill the daemon, measure; true when it passed. */
    private boolean run() throws Exception {
        scope = McpdScope.create(root, "mcpd-resilience-bench-").env("MCPD_ENGINES", "diagnostics")
                .env("MCPD_DAEMON_IDLE_TIMEOUT", "60s")
                .env("MCPD_LOG_LEVEL", System.getenv().getOrDefault("MCPD_BENCH_LOG_LEVEL", "warn"));
        stateDir = scope.stateDir();
        killedAt = 0;
        List<Proxy> proxies = new ArrayList<>();
        try {
            for (int i = 0; i < PROXIES; i++) {
                proxies.add(new Proxy(i + 1));
            }
            for (Proxy p : proxies) {
                p.initialize();
            }
            Path record = stateDir.resolve("daemon.json");
            awaitFile(record);
            long oldPid = pidIn(record);
            awaitClients(oldPid, proxies, TimeUnit.SECONDS.toNanos(30));

            long start = System.nanoTime();
            long stopAt = start + TimeUnit.SECONDS.toNanos(RUN_SECONDS);
            proxies.forEach(p -> p.startLoad(stopAt));
            Thread.sleep(TimeUnit.SECONDS.toMillis(KILL_AFTER_SECONDS));
            ProcessHandle daemon = ProcessHandle.of(oldPid).orElseThrow(() -> new IllegalStateException("daemon gone before the kill"));
            killedAt = System.nanoTime();
            daemon.destroyForcibly();
            daemon.onExit().join();

            // a new daemon: a new pid in daemon.json, then every proxy among its clients again
            long[] newPid = {0};
            long deadline = stopAt + TimeUnit.SECONDS.toNanos(GRACE_SECONDS);
            McpdRig.await(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())), () -> {
                long pid = Files.exists(record) ? safePid(record) : 0;
                boolean fresh = pid != 0 && pid != oldPid && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
                newPid[0] = fresh ? pid : 0;
                return fresh;
            });
            long newRecordAt = newPid[0] == 0 ? 0 : System.nanoTime();
            long allBackAt = newPid[0] == 0 ? 0 : awaitClients(newPid[0], proxies, deadline - System.nanoTime());

            for (Proxy p : proxies) {
                p.loader.join();
            }
            Thread.sleep(TimeUnit.SECONDS.toMillis(GRACE_SECONDS)); // late or duplicated answers still count

            System.out.printf("(load ran %d s, ending %d ms after the kill)%n%n", RUN_SECONDS, (stopAt - killedAt) / 1_000_000);
            return report(proxies, newRecordAt, newPid[0], allBackAt, oldPid);
        } finally {
            for (Proxy p : proxies) {
                p.close();
            }
            stopDaemon();
            if (System.getenv("MCPD_BENCH_KEEP") == null) {
                scope.close();
            } else {
                System.err.println("kept " + stateDir);
            }
        }
    }

    private boolean report(List<Proxy> proxies, long newRecordAt, long newPid, long allBackAt, long oldPid) {
        System.out.println("| proxy | sent | answered | missing | duplicated | JSON-RPC errors | tool errors | max latency |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        Histogram all = histogram();
        Histogram window = histogram();
        long sent = 0;
        long answered = 0;
        long missing = 0;
        long duplicated = 0;
        long errors = 0;
        long toolErrors = 0;
        long late = 0;
        Map<String, Integer> errorSamples = new LinkedHashMap<>();
        for (Proxy p : proxies) {
            long pAnswered = p.answered.stream().filter(id -> id != 0).count();
            long pMissing = p.sent.get() - pAnswered;
            System.out.printf("| %d | %d | %d | %d | %d | %d | %d | %s |%n", p.index, p.sent.get(), pAnswered,
                    pMissing, p.duplicated.get(), p.errors.get(), p.toolErrors.get(), ms(p.latency.getMaxValue()));
            all.add(p.latency);
            window.add(p.windowLatency);
            sent += p.sent.get();
            answered += pAnswered;
            missing += pMissing;
            duplicated += p.duplicated.get();
            errors += p.errors.get();
            toolErrors += p.toolErrors.get();
            late += p.late.get();
            p.errorSamples.forEach((k, v) -> errorSamples.merge(k, v, Integer::sum));
        }
        System.out.printf("| **all %d** | %d | %d | %d | %d | %d | %d | %s |%n%n", proxies.size(), sent, answered, missing,
                duplicated, errors, toolErrors, ms(all.getMaxValue()));
        System.out.println("| latency | responses | median | p99 | max |");
        System.out.println("|---|---|---|---|---|");
        System.out.printf("| whole run | %d | %s | %s | %s |%n", all.getTotalCount(), ms(all.getValueAtPercentile(50)),
                ms(all.getValueAtPercentile(99)), ms(all.getMaxValue()));
        System.out.printf("| in flight at the kill or sent in the 2 s after it | %d | %s | %s | %s |%n%n", window.getTotalCount(),
                ms(window.getValueAtPercentile(50)), ms(window.getValueAtPercentile(99)), ms(window.getMaxValue()));
        System.out.printf("- daemon pid %d SIGKILLed %d s in; new daemon pid %s in `daemon.json` %s after the kill; all %d proxies "
                + "its clients again (`daemon_status`) %s after the kill%n", oldPid, KILL_AFTER_SECONDS,
                newPid == 0 ? "(none)" : String.valueOf(newPid),
                newRecordAt == 0 ? "never (within the run)" : ms((newRecordAt - killedAt) / 1000),
                proxies.size(), allBackAt == 0 ? "never (within the run)" : ms((allBackAt - killedAt) / 1000));
        if (!errorSamples.isEmpty()) {
            errorSamples.forEach((message, count) -> System.out.printf("- %d× error: %s%n", count, message));
        }
        boolean pass = missing == 0 && duplicated == 0 && late == 0 && all.getMaxValue() <= BOUND_MICROS;
        System.out.printf("%n**%s**: exactly once (missing %d, duplicated %d), none later than 2 s (%d later, max %s); "
                + "%d JSON-RPC error(s)%n", pass ? "PASS" : "FAIL", missing, duplicated, late, ms(all.getMaxValue()), errors);
        return pass;
    }

    /** Polls {@code daemon_status} on the socket until every proxy is a client of {@code pid}; the instant, or 0. */
    private long awaitClients(long pid, List<Proxy> proxies, long timeoutNanos) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutNanos;
        Set<Long> wanted = ConcurrentHashMap.newKeySet();
        proxies.forEach(p -> wanted.add(p.process.pid()));
        while (System.nanoTime() < deadline) {
            try {
                JsonNode status = daemonStatus();
                if (status.path("pid").asLong() == pid) {
                    Set<Long> seen = ConcurrentHashMap.newKeySet();
                    status.path("clients").forEach(c -> seen.add(c.path("proxyPid").asLong()));
                    if (seen.containsAll(wanted)) {
                        return System.nanoTime();
                    }
                }
            } catch (IOException | RuntimeException e) {
                // no daemon yet, or it is still starting
            }
            Thread.sleep(20);
        }
        return 0;
    }

    private JsonNode daemonStatus() throws IOException {
        return McpdRig.status(stateDir.resolve("daemon.sock"));
    }

    private void stopDaemon() throws Exception {
        Path record = stateDir.resolve("daemon.json");
        if (!Files.exists(record)) {
            return;
        }
        ProcessHandle.of(safePid(record)).ifPresent(p -> {
            p.destroy();
            try {
                p.onExit().get(15, TimeUnit.SECONDS);
            } catch (Exception e) {
                p.destroyForcibly();
            }
        });
    }

    private static long pidIn(Path record) throws IOException {
        return JSON.readTree(record.toFile()).path("pid").asLong();
    }

    private static long safePid(Path record) {
        try {
            return pidIn(record);
        } catch (IOException | RuntimeException e) {
            return 0; // being rewritten
        }
    }

    private static void awaitFile(Path path) {
        if (!McpdRig.await(Duration.ofSeconds(300), () -> Files.exists(path))) { // bin/mcpd may be building the jar
            throw new IllegalStateException(path + " did not appear within 300 s");
        }
    }

    private static Histogram histogram() {
        return new Histogram(TimeUnit.SECONDS.toMicros(120), 3);
    }

    /** One proxy process: a loader thread with one request outstanding at a time and a reader of every response. */
    private final class Proxy implements AutoCloseable {
        final int index;
        final Process process;
        private final OutputStream in;
        private final BufferedReader out;
        private final Thread reader;
        Thread loader;
        final AtomicLong sent = new AtomicLong();
        final Map<Long, Long> sentAt = new ConcurrentHashMap<>();
        final Set<Long> answered = ConcurrentHashMap.newKeySet();
        final AtomicLong duplicated = new AtomicLong();
        final AtomicLong errors = new AtomicLong();
        final AtomicLong toolErrors = new AtomicLong();
        final AtomicLong late = new AtomicLong();
        final Map<String, Integer> errorSamples = new ConcurrentHashMap<>();
        final Histogram latency = histogram(); // recorded by the reader thread only
        final Histogram windowLatency = histogram();
        private final Object lock = new Object();
        private long awaited = -1;

        Proxy(int index) throws IOException {
            this.index = index;
            process = scope.builder(scope.command("serve", "--mcp"), Map.of()).redirectError(stateDir.resolve("proxy-" + index + ".err").toFile())
                    .start();
            in = process.getOutputStream();
            out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            reader = Thread.ofPlatform().name("reader-" + index).daemon().start(this::read);
        }

        void initialize() throws Exception {
            sendAndAwait(0, INIT, TimeUnit.SECONDS.toNanos(300));
        }

        void startLoad(long stopAt) {
            loader = Thread.ofPlatform().name("loader-" + index).start(() -> {
                long id = 1;
                try {
                    while (System.nanoTime() < stopAt) {
                        String request = id % 2 == 1
                                ? "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"ping\"}"
                                : "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":"
                                        + "\"diag_echo\",\"arguments\":{\"text\":\"r" + id + "\"}}}";
                        // a request unanswered for 10 s is given up on here (and counted missing if it never comes)
                        sendAndAwait(id++, request, TimeUnit.SECONDS.toNanos(10));
                    }
                } catch (Exception e) {
                    System.err.println("proxy " + index + ": load stopped: " + e);
                }
            });
        }

        private void sendAndAwait(long id, String request, long timeoutNanos) throws IOException, InterruptedException {
            synchronized (lock) {
                awaited = id;
            }
            if (id != 0) {
                sent.incrementAndGet();
            }
            sentAt.put(id, System.nanoTime());
            in.write((request + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
            long deadline = System.nanoTime() + timeoutNanos;
            synchronized (lock) {
                while (awaited == id) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return;
                    }
                    TimeUnit.NANOSECONDS.timedWait(lock, left);
                }
            }
        }

        private void read() {
            try {
                String line;
                while ((line = out.readLine()) != null) {
                    long now = System.nanoTime();
                    JsonNode message;
                    try {
                        message = JSON.readTree(line);
                    } catch (IOException e) {
                        errorSamples.merge("not JSON: " + line, 1, Integer::sum);
                        continue;
                    }
                    if (message.has("method") || !message.has("id")) {
                        continue; // a notification or a request from the server
                    }
                    long id = message.path("id").asLong();
                    Long begun = sentAt.get(id);
                    if (begun == null || !answered.add(id)) {
                        duplicated.incrementAndGet();
                        continue;
                    }
                    if (id != 0) {
                        long micros = (now - begun) / 1000;
                        latency.recordValue(Math.min(micros, latency.getHighestTrackableValue()));
                        if (micros > BOUND_MICROS) {
                            late.incrementAndGet();
                        }
                        long kill = killedAt;
                        if (kill != 0 && now > kill && begun < kill + WINDOW_NANOS) {
                            windowLatency.recordValue(Math.min(micros, windowLatency.getHighestTrackableValue()));
                        }
                        if (message.has("error")) {
                            errors.incrementAndGet();
                            errorSamples.merge(message.path("error").path("message").asText(), 1, Integer::sum);
                        } else if (message.path("result").path("isError").asBoolean(false)) {
                            toolErrors.incrementAndGet();
                            errorSamples.merge("tool: " + message.path("result").path("content").path(0).path("text").asText(),
                                    1, Integer::sum);
                        }
                    }
                    synchronized (lock) {
                        if (awaited == id) {
                            awaited = -1;
                            lock.notifyAll();
                        }
                    }
                }
            } catch (IOException e) {
                // the proxy closed its stdout
            }
        }

        @Override
        public void close() throws Exception {
            try {
                in.close();
            } catch (IOException e) {
                // already gone
            }
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor();
            }
            reader.join(2000);
        }
    }
}
