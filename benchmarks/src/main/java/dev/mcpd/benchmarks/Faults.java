package dev.mcpd.benchmarks;

import static dev.mcpd.benchmarks.ChaosHarness.row;
import static dev.mcpd.benchmarks.ChaosHarness.settle;
import static dev.mcpd.benchmarks.ChaosHarness.settings;
import static dev.mcpd.benchmarks.ChaosHarness.skip;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpd.benchmarks.ChaosHarness.Fault;
import dev.mcpd.benchmarks.ChaosHarness.Row;
import dev.mcpd.benchmarks.McpdRig.Snapshot;
import dev.mcpd.benchmarks.Peer.Counts;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** The fault kinds of {@link ChaosHarness}, one class each, in table order. */
final class Faults {

    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration ANSWER = Duration.ofSeconds(10);

    private Faults() {}

    static List<Fault> all() {
        return List.of(new DaemonSignal("TERM"), new DaemonSignal("KILL"), new HostKill(), new ProxyKillSocketHeld(),
                new StuckReader(), new StuckReaderAtShutdown(), new FrozenPeer(), new StaleState(), new PidReuse(), new VersionMismatch(),
                new RuntimeDown(), new HyperdFrozen(), new HyperdKilled(), new HalfOpenTcp(), new ColdStart16(),
                new OversizedLine(), new Slowloris(), new ShortLivedConnections(), new PipelinedBurst());
    }

    /** A rig with {@code n} initialized proxies and its daemon. */
    static final class Setup implements AutoCloseable {
        final McpdRig rig;
        final List<Process> proxies = new ArrayList<>();
        final List<Peer> peers = new ArrayList<>();
        long daemon;

        Setup(Path root, Map<String, String> extra, int n) throws Exception {
            Map<String, String> s = settings();
            s.putAll(extra);
            rig = new McpdRig(root, s);
            for (int i = 0; i < n; i++) {
                Process p = rig.startProxy(Map.of(), "proxy-" + i);
                proxies.add(p);
                peers.add(Peer.of(p));
            }
            for (Peer peer : peers) {
                if (peer.initialize(START) == null) {
                    throw new IllegalStateException("a proxy did not answer initialize within " + START + "; see " + rig.stateDir);
                }
            }
            daemon = rig.awaitDaemon(0, START);
            if (daemon == 0) {
                throw new IllegalStateException("no daemon in " + rig.stateDir);
            }
            McpdRig.await(Duration.ofSeconds(10), () -> rig.helloClients() >= n);
        }

        Counts counts() {
            return peers.stream().map(Peer::counts).reduce(Counts.ZERO, Counts::plus);
        }

        /** Closes the peers and stops everything; the processes that outlived the orderly stop. */
        List<Long> stop() throws InterruptedException {
            peers.forEach(Peer::close);
            return rig.stopAll();
        }

        @Override
        public void close() throws Exception {
            rig.close();
        }
    }

    /** Runs every peer's load for {@code seconds}, calling {@code fault} {@code atSeconds} in; then a grace. */
    static void loadWith(List<Peer> peers, double seconds, double atSeconds, Runnable fault) throws Exception {
        long start = System.nanoTime();
        long stopAt = start + (long) (seconds * 1e9);
        List<Thread> loaders = peers.stream().map(p -> p.load(stopAt)).toList();
        Thread.sleep((long) (atSeconds * 1000));
        fault.run();
        for (Thread t : loaders) {
            t.join();
        }
        for (Peer p : peers) {
            p.awaitAll(Duration.ofSeconds(5));
        }
    }

    static String ms(long nanos) {
        return nanos / 1_000_000 + " ms";
    }

    // ---------------------------------------------------------------------------------------------------------

    /** 4 proxies under load; the daemon gets SIGTERM or SIGKILL 2 s in; the proxies must carry on (B-G3..G5). */
    static final class DaemonSignal implements Fault {
        private final String signal;

        DaemonSignal(String signal) {
            this.signal = signal;
        }

        @Override
        public String name() {
            return "daemon SIG" + signal;
        }

        @Override
        public Row run(Path root) throws Exception {
            try (Setup s = new Setup(root, Map.of(), 4)) {
                Snapshot before = McpdRig.snapshot(s.daemon);
                long old = s.daemon;
                long[] killedAt = {0};
                loadWith(s.peers, 8, 2, () -> {
                    killedAt[0] = System.nanoTime();
                    McpdRig.signal(old, signal);
                });
                long fresh = s.rig.awaitDaemon(old, Duration.ofSeconds(10));
                boolean allBack = fresh != 0 && McpdRig.await(Duration.ofSeconds(10), () -> s.rig.helloClients() >= 4);
                Snapshot after = fresh == 0 ? null : McpdRig.snapshot(fresh);
                boolean oldGone = !McpdRig.alive(old);
                Counts counts = s.counts();
                List<Long> leaked = s.stop();
                String problem = !oldGone ? "old daemon still alive" : fresh == 0 ? "no new daemon within 10 s"
                        : !allBack ? "not all 4 proxies rejoined the new daemon" : null;
                return row(name(), counts, before, after, leaked, problem,
                        "4 proxies, load 8 s, SIG" + signal + " at 2 s; new daemon " + (fresh == 0 ? "none" : "pid " + fresh)
                                + " (RSS after is the new daemon's; thread/fd columns n/a: daemon replaced)");
            }
        }
    }

    /** The process standing for the host is SIGKILLed: the proxy must exit and the daemon reap it (B-G1, B-L3). */
    static final class HostKill implements Fault {
        @Override
        public String name() {
            return "host SIGKILL";
        }

        @Override
        public Row run(Path root) throws Exception {
            try (Setup s = new Setup(root, Map.of(), 1)) {
                Process host = s.rig.start(List.of("sleep", "600"));
                Process proxy = s.rig.startProxy(Map.of("MCPD_HOST_PID", Long.toString(host.pid())), "hosted");
                Peer peer = Peer.of(proxy);
                s.peers.add(peer);
                peer.initialize(START);
                for (int i = 0; i < 20; i++) {
                    peer.ask("ping", null, ANSWER);
                }
                McpdRig.await(Duration.ofSeconds(5), () -> s.rig.clientProxyPids().contains(proxy.pid()));
                Snapshot before = McpdRig.snapshot(s.daemon);
                long t0 = System.nanoTime();
                host.destroyForcibly();
                boolean proxyExited = proxy.waitFor(10, TimeUnit.SECONDS);
                long exitedAt = System.nanoTime();
                boolean reaped = McpdRig.await(Duration.ofSeconds(10), () -> !s.rig.clientProxyPids().contains(proxy.pid()));
                long reapedAt = System.nanoTime();
                Snapshot after = settle(s.daemon, before);
                Counts counts = s.counts();
                List<Long> leaked = s.stop();
                String problem = !proxyExited ? "proxy still alive 10 s after its host died"
                        : !reaped ? "daemon still lists the proxy 10 s after its host died" : null;
                return row(name(), counts, before, after, leaked, problem, "host = `sleep` named by MCPD_HOST_PID; proxy exited "
                        + (proxyExited ? ms(exitedAt - t0) : "never") + ", daemon dropped it "
                        + (reaped ? ms(reapedAt - t0) : "never") + " after the kill");
            }
        }
    }

    /**
     * A client connects with a hello naming its own pid, hands its socket to a child ({@code sleep}) and is
     * SIGKILLed: the socket stays open, the daemon must drop the client on the exit of the pid (B-L3).
     */
    static final class ProxyKillSocketHeld implements Fault {
        private static final String SCRIPT = """
                import socket, os, subprocess, sys, json
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                s.connect(sys.argv[1])
                f = s.makefile('rwb', buffering=0)
                f.readline()
                f.write((json.dumps({"mcpd_client": 1, "pid": os.getpid(), "hostPid": None, "env": {}}) + "\\n").encode())
                f.write(b'{"jsonrpc":"2.0","id":1,"method":"ping"}\\n')
                answer = f.readline()
                child = subprocess.Popen(["sleep", "600"], pass_fds=(s.fileno(),))
                print(json.dumps({"child": child.pid, "answer": answer.decode().strip()}), flush=True)
                os.read(0, 1)
                """;

        @Override
        public String name() {
            return "proxy SIGKILL, socket held open";
        }

        @Override
        public Row run(Path root) throws Exception {
            try (Setup s = new Setup(root, Map.of(), 1)) {
                Snapshot before = McpdRig.snapshot(s.daemon);
                Process python = s.rig.start(List.of("python3", "-c", SCRIPT, s.rig.socket().toString()));
                String line = new BufferedReader(new InputStreamReader(python.getInputStream(), StandardCharsets.UTF_8)).readLine();
                if (line == null) {
                    s.stop();
                    return skip(name(), "python3 client failed to start");
                }
                JsonNode info = McpdRig.JSON.readTree(line);
                long child = info.path("child").asLong();
                boolean answered = info.path("answer").asText().contains("\"result\"");
                boolean listed = McpdRig.await(Duration.ofSeconds(5), () -> s.rig.clientProxyPids().contains(python.pid()));
                long t0 = System.nanoTime();
                python.destroyForcibly();
                python.waitFor();
                boolean reaped = McpdRig.await(Duration.ofSeconds(10), () -> !s.rig.clientProxyPids().contains(python.pid()));
                long reapedAt = System.nanoTime();
                boolean childAlive = McpdRig.alive(child);
                ProcessHandle.of(child).ifPresent(ProcessHandle::destroyForcibly);
                Snapshot after = settle(s.daemon, before);
                Counts counts = s.counts().plus(new Counts(1, answered ? 1 : 0, answered ? 0 : 1, 0, 0));
                List<Long> leaked = s.stop();
                String problem = !listed ? "the python client never appeared in daemon_status"
                        : !reaped ? "daemon still lists the killed client 10 s later (its socket is held by a child)" : null;
                return row(name(), counts, before, after, leaked, problem, "python3 client hands its socket to `sleep` (alive: "
                        + childAlive + ") and is SIGKILLed; daemon dropped it " + (reaped ? ms(reapedAt - t0) : "never") + " after");
            }
        }
    }

    /**
     * A raw client bursts 1,000 echo calls of 32 KiB and never reads its answers; a proxy next to it must be served
     * as usual, and closing the stuck client must give back its threads and memory (B-C2, B-W2).
     */
    static final class StuckReader implements Fault {
        @Override
        public String name() {
            return "stuck reader";
        }

        @Override
        public Row run(Path root) throws Exception {
            try (Setup s = new Setup(root, Map.of(), 1)) {
                Snapshot before = McpdRig.snapshot(s.daemon);
                Peer stuck = s.rig.rawUnix(McpdRig.hello(ProcessHandle.current().pid(), null, null), false);
                String text = "x".repeat(32 * 1024);
                AtomicLong written = new AtomicLong();
                Thread writer = Thread.ofPlatform().daemon().start(() -> {
                    try {
                        for (int i = 0; i < 1000; i++) {
                            long id = stuck.reserve();
                            stuck.writeLine(Peer.line(id, "tools/call", Peer.call("diag_echo", "{\"text\":\"" + text + "\"}")));
                            written.incrementAndGet();
                        }
                    } catch (IOException e) {
                        // the daemon closed it
                    }
                });
                loadWith(s.peers, 6, 0.1, () -> {});
                Snapshot during = McpdRig.snapshot(s.daemon);
                long maxLatency = s.peers.getFirst().maxLatencyMicros();
                stuck.close();
                writer.join(5000);
                Snapshot after = settle(s.daemon, before);
                Counts counts = s.counts();
                List<Long> leaked = s.stop();
                return row(name(), counts, before, after, leaked, maxLatency > ChaosHarness.NEIGHBOUR_BOUND_MICROS ? "neighbour's max latency "
                        + maxLatency / 1000 + " ms" : null, "stuck client wrote " + written.get() + " of 1000 32-KiB echo calls; "
                        + "counts are the neighbour proxy's (max latency " + maxLatency / 1000 + " ms); daemon during: "
                        + (during == null ? "gone" : during.threads() + " threads, " + during.rssKiB() / 1024 + " MiB"));
            }
        }
    }

    /**
     * A raw client bursts echo calls and never reads; then the daemon gets SIGTERM: it must still exit within its
     * shutdown grace (10 s) plus 5 s (B-E1, B-E2, review finding 2). The proxy's requests are counted.
     */
    static final class StuckReaderAtShutdown implements Fault {
        @Override
        public String name() {
            return "stuck reader at shutdown (SIGTERM)";
        }

        @Override
        public Row run(Path root) throws Exception {
            try (Setup s = new Setup(root, Map.of("MCPD_DAEMON_SHUTDOWN_GRACE", "2s"), 1)) {
                Snapshot before = McpdRig.snapshot(s.daemon);
                // review finding 2's reproduction: a call in flight (its shutdown answer must be written), then
                // requests whose answers are never read, so the connection's writer is blocked when SIGTERM comes
                Peer stuck = s.rig.rawUnix(McpdRig.hello(ProcessHandle.current().pid(), null, null), false);
                stuck.writeLine(Peer.line(stuck.reserve(), "tools/call", Peer.call("diag_sleep", "{\"millis\":60000}")));
                Thread writer = Thread.ofPlatform().daemon().start(() -> {
                    try {
                        for (int i = 0; i < 3000; i++) {
                            stuck.writeLine(Peer.line(stuck.reserve(), "tools/list", null));
                        }
                    } catch (IOException e) {
                        // closed by the daemon
                    }
                });
                writer.join(1500);
                long daemon = s.daemon;
                long t0 = System.nanoTime();
                McpdRig.signal(daemon, "TERM");
                boolean exited = McpdRig.await(Duration.ofSeconds(15), () -> !McpdRig.alive(daemon));
                long took = System.nanoTime() - t0;
                boolean recordLeft = Files.exists(s.rig.record()) && s.rig.daemonPid() == daemon;
                if (!exited) {
                    McpdRig.signal(daemon, "KILL");
                }
                stuck.close();
                Counts counts = s.counts();
                List<Long> leaked = s.stop();
                return row(name(), counts, before, before, leaked, exited ? null
                        : "daemon still alive 15 s after SIGTERM (grace 2 s)" + (recordLeft ? ", its daemon.json and lock still held" : ""),
                        "diag_sleep in flight + 3000 unread tools/list, then SIGTERM (MCPD_DAEMON_SHUTDOWN_GRACE=2s): daemon "
                                + (exited ? "exited in " + ms(took) : "did not exit within 15 s (SIGKILLed by the harness)")
                                + "; the proxy's requests are counted; RSS after = before (daemon stopped)");
            }
        }
    }

    /** Two proxies under load; one is SIGSTOPped for 3 s then continued: all requests answered exactly once. */
    static final class FrozenPeer implements Fault {
        @Override
        public String name() {
            return "frozen peer (SIGSTOP proxy)";
        }

        @Override
        public Row run(Path root) throws Exception {
            try (Setup s = new Setup(root, Map.of(), 2)) {
                Snapshot before = McpdRig.snapshot(s.daemon);
                long frozen = s.proxies.getFirst().pid();
                loadWith(s.peers, 8, 2, () -> {
                    McpdRig.signal(frozen, "STOP");
                    try {
                        Thread.sleep(3000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    McpdRig.signal(frozen, "CONT");
                });
                long other = s.peers.get(1).maxLatencyMicros();
                Snapshot after = settle(s.daemon, before);
                Counts counts = s.counts();
                List<Long> leaked = s.stop();
                return row(name(), counts, before, after, leaked, other > ChaosHarness.NEIGHBOUR_BOUND_MICROS ? "the other proxy waited "
                        + other / 1000 + " ms" : null, "proxy 1 stopped 3 s (2 s in), proxy 2 max latency " + other / 1000 + " ms");
            }
        }
    }

    /** A SIGKILLed daemon's lock, record and socket are left behind; a new proxy must start a daemon past them (B-S2). */
    static final class StaleState implements Fault {
        @Override
        public String name() {
            return "stale lock/record/socket";
        }

        @Override
        public Row run(Path root) throws Exception {
            try (Setup s = new Setup(root, Map.of(), 1)) {
                long old = s.daemon;
                s.peers.getFirst().close();
                s.proxies.getFirst().waitFor(10, TimeUnit.SECONDS);
                McpdRig.signal(old, "KILL");
                McpdRig.await(Duration.ofSeconds(5), () -> !McpdRig.alive(old));
                boolean stale = Files.exists(s.rig.record()) && Files.exists(s.rig.socket())
                        && Files.exists(s.rig.stateDir.resolve("daemon.lock"));
                Process proxy = s.rig.startProxy(Map.of(), "after-stale");
                Peer peer = Peer.of(proxy);
                s.peers.add(peer);
                long t0 = System.nanoTime();
                peer.initialize(START);
                long initAt = System.nanoTime();
                for (int i = 0; i < 20; i++) {
                    peer.ask("ping", null, ANSWER);
                }
                long fresh = s.rig.awaitDaemon(old, Duration.ofSeconds(5));
                Snapshot snap = fresh == 0 ? null : McpdRig.snapshot(fresh);
                Counts counts = peer.counts(); // the first proxy's initialize was answered before the kill
                List<Long> leaked = s.stop();
                return row(name(), counts, snap, snap, leaked, !stale ? "SIGKILL left no stale files to test with"
                        : fresh == 0 ? "no new daemon" : null, "daemon SIGKILLed (lock, record, socket left), new proxy "
                        + "initialized in " + ms(initAt - t0) + ", new daemon " + fresh);
            }
        }
    }

    /** A hello names a host pid; the host dies and its pid is given to a new process (different start time). */
    static final class PidReuse implements Fault {
        @Override
        public String name() {
            return "pid reuse";
        }

        @Override
        public Row run(Path root) throws Exception {
            try (Setup s = new Setup(root, Map.of(), 1)) {
                Snapshot before = McpdRig.snapshot(s.daemon);
                Process host = s.rig.start(List.of("sleep", "600"));
                long hostPid = host.pid();
                Peer raw = s.rig.rawUnix(McpdRig.hello(ProcessHandle.current().pid(), hostPid, null));
                s.peers.add(raw);
                for (int i = 0; i < 10; i++) {
                    raw.ask("ping", null, ANSWER);
                }
                int clients = s.rig.helloClients();
                host.destroyForcibly();
                host.waitFor();
                Process reused = reuse(s.rig, hostPid);
                boolean dropped = McpdRig.await(Duration.ofSeconds(10), raw::ended)
                        || McpdRig.await(Duration.ofSeconds(1), () -> s.rig.helloClients() < clients);
                if (reused != null) {
                    reused.destroyForcibly();
                }
                raw.close();
                Snapshot after = settle(s.daemon, before);
                Counts counts = s.counts();
                List<Long> leaked = s.stop();
                return row(name(), counts, before, after, leaked, dropped ? null : "client of a dead host not dropped within 10 s",
                        "host pid " + hostPid + (reused != null ? " reused by a new `sleep` (other start time)"
                                : " NOT reused (ns_last_pid not writable or raced); only the plain exit was tested")
                        + "; client " + (dropped ? "dropped" : "kept"));
            }
        }

        /** Starts a process with pid {@code pid} via {@code /proc/sys/kernel/ns_last_pid} (root); null if not possible. */
        private static Process reuse(McpdRig rig, long pid) {
            Path lastPid = Path.of("/proc/sys/kernel/ns_last_pid");
            for (int attempt = 0; attempt < 50; attempt++) {
                try {
                    Files.writeString(lastPid, Long.toString(pid - 1));
                    Process p = rig.start(List.of("sleep", "600"));
                    if (p.pid() == pid) {
                        return p;
                    }
                    p.destroyForcibly();
                } catch (IOException | RuntimeException e) {
                    return null;
                }
            }
            return null;
        }
    }

    /** A hello of another protocol version: the client gets clear answers, the daemon carries on (B-W4). */
    static final class VersionMismatch implements Fault {
        @Override
        public String name() {
            return "version mismatch";
        }

        @Override
        public Row run(Path root) throws Exception {
            try (Setup s = new Setup(root, Map.of(), 1)) {
                Snapshot before = McpdRig.snapshot(s.daemon);
                Peer raw = s.rig.rawUnix("{\"mcpd_client\":2,\"pid\":" + ProcessHandle.current().pid() + ",\"env\":{}}");
                s.peers.add(raw);
                for (int i = 0; i < 10; i++) {
                    raw.ask("ping", null, ANSWER);
                }
                JsonNode errorForHello = raw.unattributed();
                s.peers.getFirst().ask("ping", null, ANSWER);
                raw.close();
                Snapshot after = settle(s.daemon, before);
                Counts counts = s.counts();
                List<Long> leaked = s.stop();
                return row(name(), counts, before, after, leaked, null, "hello {mcpd_client: 2}; the daemon "
                        + (errorForHello == null ? "sent no error for it and served the client as a legacy one"
                                : "answered: " + errorForHello.path("error").path("message").asText()));
            }
        }
    }

    /** DOCKER_HOST names a missing socket: container calls answered with isError within 5 s. */
    static final class RuntimeDown implements Fault {
        @Override
        public String name() {
            return "runtime down";
        }

        @Override
        public Row run(Path root) throws Exception {
            try (Setup s = new Setup(root, Map.of(), 1)) {
                Snapshot before = McpdRig.snapshot(s.daemon);
                Process proxy = s.rig.startProxy(Map.of("DOCKER_HOST", "unix://" + s.rig.stateDir.resolve("missing.sock")), "docker-down");
                Peer peer = Peer.of(proxy);
                s.peers.add(peer);
                peer.initialize(START);
                int errors = 0;
                long slowest = 0;
                for (int i = 0; i < 5; i++) {
                    long t0 = System.nanoTime();
                    JsonNode a = peer.ask("tools/call", Peer.call("list_containers", "{}"), Duration.ofSeconds(5));
                    slowest = Math.max(slowest, System.nanoTime() - t0);
                    if (a != null && (a.has("error") || a.path("result").path("isError").asBoolean())) {
                        errors++;
                    }
                }
                Snapshot after = settle(s.daemon, before);
                Counts counts = s.counts();
                List<Long> leaked = s.stop();
                return row(name(), counts, before, after, leaked, errors < 5 ? (5 - errors) + " of 5 calls not an error within 5 s"
                        : null, "5 × list_containers with DOCKER_HOST → missing socket: " + errors + " errors, slowest " + ms(slowest));
            }
        }
    }

    private static String hyperdMissing() {
        String path = System.getenv("MCPD_HYPERD_PATH");
        return path == null || path.isBlank() ? "MCPD_HYPERD_PATH is unset (scripts/chaos.sh sets it when "
                + "scripts/setup-hyperd.sh has fetched hyperd)" : null;
    }

    private static boolean ok(JsonNode answer) {
        return answer != null && answer.has("result") && !answer.path("result").path("isError").asBoolean();
    }

    private static String text(JsonNode answer) {
        if (answer == null) {
            return "no answer";
        }
        if (answer.has("error")) {
            return answer.path("error").path("message").asText();
        }
        String t = answer.path("result").path("content").path(0).path("text").asText();
        return t.length() > 120 ? t.substring(0, 120) + "…" : t;
    }

    /** hyperd after a first query: its pid, or why the row is skipped (it did not start). */
    private record WarmHyperd(long pid, String failure) {}

    private static WarmHyperd warmHyperd(Setup s, Peer peer) throws Exception {
        JsonNode warm = peer.ask("tools/call", Peer.call("query", "{\"sql\":\"SELECT 1\"}"), START);
        long hyperd = McpdRig.descendant(s.daemon, "hyperd").orElse(0L);
        return ok(warm) && hyperd != 0 ? new WarmHyperd(hyperd, null)
                : new WarmHyperd(0, "hyperd did not start: " + text(warm));
    }

    /** hyperd SIGSTOPped mid-query: the call gets its deadline error (MCPD_DAEMON_CALL_TIMEOUT=5s) (B-B3). */
    static final class HyperdFrozen implements Fault {
        @Override
        public String name() {
            return "hyperd frozen (SIGSTOP)";
        }

        @Override
        public Row run(Path root) throws Exception {
            if (hyperdMissing() != null) {
                return skip(name(), hyperdMissing());
            }
            try (Setup s = new Setup(root, Map.of(), 1)) {
                Peer peer = s.peers.getFirst();
                WarmHyperd warm = warmHyperd(s, peer);
                if (warm.failure() != null) {
                    s.stop();
                    return skip(name(), warm.failure());
                }
                long hyperd = warm.pid();
                Snapshot before = McpdRig.snapshot(s.daemon);
                McpdRig.signal(hyperd, "STOP");
                long t0 = System.nanoTime();
                JsonNode frozen = peer.ask("tools/call", Peer.call("query", "{\"sql\":\"SELECT 2\"}"), Duration.ofSeconds(20));
                long took = System.nanoTime() - t0;
                McpdRig.signal(hyperd, "CONT");
                JsonNode thawed = peer.ask("tools/call", Peer.call("query", "{\"sql\":\"SELECT 3\"}"), Duration.ofSeconds(30));
                Snapshot after = settle(s.daemon, before);
                Counts counts = s.counts();
                List<Long> leaked = s.stop();
                String problem = frozen == null ? "no answer within 20 s while hyperd was stopped"
                        : ok(frozen) ? "answered OK while hyperd was stopped?" : null;
                return row(name(), counts, before, after, leaked, problem, "query during SIGSTOP answered in " + ms(took)
                        + ": " + text(frozen) + "; after SIGCONT: " + (ok(thawed) ? "OK" : text(thawed)));
            }
        }
    }

    /** hyperd SIGKILLed between queries: it is restarted and a following call succeeds (B-B4). */
    static final class HyperdKilled implements Fault {
        @Override
        public String name() {
            return "hyperd killed (SIGKILL)";
        }

        @Override
        public Row run(Path root) throws Exception {
            if (hyperdMissing() != null) {
                return skip(name(), hyperdMissing());
            }
            try (Setup s = new Setup(root, Map.of(), 1)) {
                Peer peer = s.peers.getFirst();
                WarmHyperd warm = warmHyperd(s, peer);
                if (warm.failure() != null) {
                    s.stop();
                    return skip(name(), warm.failure());
                }
                long hyperd = warm.pid();
                Snapshot before = McpdRig.snapshot(s.daemon);
                McpdRig.signal(hyperd, "KILL");
                McpdRig.await(Duration.ofSeconds(5), () -> !McpdRig.alive(hyperd));
                JsonNode first = peer.ask("tools/call", Peer.call("query", "{\"sql\":\"SELECT 2\"}"), Duration.ofSeconds(30));
                JsonNode second = peer.ask("tools/call", Peer.call("query", "{\"sql\":\"SELECT 3\"}"), Duration.ofSeconds(30));
                long fresh = McpdRig.descendant(s.daemon, "hyperd").orElse(0L);
                Snapshot after = settle(s.daemon, before);
                Counts counts = s.counts();
                List<Long> leaked = s.stop();
                return row(name(), counts, before, after, leaked, ok(first) || ok(second) ? null : "no query succeeded after the kill",
                        "first call after the kill: " + (ok(first) ? "OK" : text(first)) + "; second: "
                                + (ok(second) ? "OK" : text(second)) + "; hyperd pid " + hyperd + " → " + fresh);
            }
        }
    }

    /** A TCP client with the token vanishes without FIN (iptables DROP on loopback): keepalive must find it (B-T4). */
    static final class HalfOpenTcp implements Fault {
        @Override
        public String name() {
            return "half-open TCP";
        }

        @Override
        public Row run(Path root) throws Exception {
            try (Setup s = new Setup(root, Map.of("MCPD_TCP_LISTEN", "127.0.0.1:0", "MCPD_TCP_KEEPALIVE", "1s/1s/2"), 1)) {
                JsonNode record = s.rig.recordJson();
                String token = record.path("token").asText(null);
                String tcp = null;
                for (JsonNode e : record.path("endpoints")) {
                    if (e.asText().startsWith("tcp://")) {
                        tcp = e.asText().substring(6);
                    }
                }
                if (tcp == null || token == null) {
                    s.stop();
                    return skip(name(), "the daemon did not listen on TCP (MCPD_TCP_LISTEN not taken from the first proxy?): "
                            + record.path("endpoints"));
                }
                Snapshot before = McpdRig.snapshot(s.daemon);
                Socket[] socket = new Socket[1];
                int colon = tcp.lastIndexOf(':');
                Peer raw = McpdRig.rawTcp(tcp.substring(0, colon), Integer.parseInt(tcp.substring(colon + 1)),
                        McpdRig.hello(ProcessHandle.current().pid(), null, token), socket);
                s.peers.add(raw);
                raw.ask("ping", null, ANSWER);
                int clients = s.rig.helloClients();
                String port = Integer.toString(socket[0].getLocalPort());
                List<String> rule = List.of("INPUT", "-i", "lo", "-p", "tcp", "--dport", port, "-j", "DROP");
                if (!iptables("-I", rule)) {
                    raw.close();
                    s.stop();
                    return skip(name(), "iptables not usable here (not root or no iptables); a SIGSTOPped peer cannot stand in "
                            + "(its kernel answers keepalive probes)");
                }
                long t0 = System.nanoTime();
                boolean dropped;
                try {
                    dropped = McpdRig.await(Duration.ofSeconds(20), () -> s.rig.helloClients() < clients);
                } finally {
                    iptables("-D", rule);
                }
                long droppedAt = System.nanoTime();
                raw.close();
                Snapshot after = settle(s.daemon, before);
                Counts counts = s.counts();
                List<Long> leaked = s.stop();
                return row(name(), counts, before, after, leaked, dropped ? null : "the vanished TCP client was not dropped within 20 s",
                        "keepalive 1s/1s/2, packets to the client's port dropped; daemon dropped it "
                                + (dropped ? ms(droppedAt - t0) : "never") + " after");
            }
        }

        private static boolean iptables(String op, List<String> rule) {
            List<String> cmd = new ArrayList<>(List.of("iptables", op));
            cmd.addAll(rule);
            try {
                Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
            } catch (IOException | InterruptedException e) {
                return false;
            }
        }
    }

    /** 16 proxies started at once in an empty state directory: one daemon, every proxy served (B-S1). */
    static final class ColdStart16 implements Fault {
        @Override
        public String name() {
            return "16-way cold start";
        }

        @Override
        public Row run(Path root) throws Exception {
            try (McpdRig rig = new McpdRig(root, settings())) {
                List<Process> proxies = new ArrayList<>();
                List<Peer> peers = new ArrayList<>();
                for (int i = 0; i < 16; i++) {
                    Process p = rig.startProxy(Map.of(), "cold-" + i);
                    proxies.add(p);
                    peers.add(Peer.of(p));
                }
                long t0 = System.nanoTime();
                for (Peer p : peers) {
                    p.request("initialize", McpdRig.INIT.substring(McpdRig.INIT.indexOf("\"params\":") + 9, McpdRig.INIT.length() - 1));
                }
                for (Peer p : peers) {
                    p.awaitAll(START);
                }
                long all = System.nanoTime() - t0;
                for (Peer p : peers) {
                    p.ask("ping", null, ANSWER);
                }
                long daemon = rig.awaitDaemon(0, Duration.ofSeconds(10));
                Set<Long> proxyPids = ConcurrentHashMap.newKeySet();
                proxies.forEach(p -> proxyPids.add(p.pid()));
                List<Long> daemons = rig.processesOfThisRig(proxyPids).stream()
                        // JVMs only: the launcher's waiting `sh -c 'setsid "$@"' … daemon run` is not a daemon (ADR 0012)
                        .filter(pid -> ProcessHandle.of(pid).map(ProcessHandle::info)
                                .filter(info -> info.command().map(c -> c.endsWith("/java")).orElse(false))
                                .flatMap(ProcessHandle.Info::commandLine).map(c -> c.contains("daemon")).orElse(false))
                        .toList();
                boolean allClients = McpdRig.await(Duration.ofSeconds(10), () -> rig.clientProxyPids().containsAll(proxyPids));
                Snapshot snap = McpdRig.snapshot(daemon);
                Counts counts = peers.stream().map(Peer::counts).reduce(Counts.ZERO, Counts::plus);
                peers.forEach(Peer::close);
                List<Long> leaked = rig.stopAll();
                String problem = daemons.size() != 1 ? daemons.size() + " daemon processes: " + daemons
                        : !allClients ? "not every proxy is a client of the daemon (some serve in-process?)" : null;
                return row(name(), counts, snap, snap, leaked, problem, "all 16 initialized in " + ms(all) + "; daemon processes: "
                        + daemons.size());
            }
        }
    }

    /** One line of 16 MiB + 1 byte: one error, the connection closed, the daemon unharmed (B-C4, review finding 5). */
    static final class OversizedLine implements Fault {
        @Override
        public String name() {
            return "oversized line (16 MiB + 1)";
        }

        @Override
        public Row run(Path root) throws Exception {
            try (Setup s = new Setup(root, Map.of(), 1)) {
                Snapshot before = McpdRig.snapshot(s.daemon);
                Peer raw = s.rig.rawUnix(McpdRig.hello(ProcessHandle.current().pid(), null, null));
                raw.ask("ping", null, ANSWER);
                byte[] line = new byte[16 * 1024 * 1024 + 1 + 1];
                byte[] head = "{\"jsonrpc\":\"2.0\",\"id\":99,\"method\":\"ping\",\"params\":{\"p\":\"".getBytes(StandardCharsets.US_ASCII);
                Arrays.fill(line, (byte) 'x');
                System.arraycopy(head, 0, line, 0, head.length);
                line[line.length - 3] = '"';
                line[line.length - 2] = '}';
                line[line.length - 1] = '\n'; // 16 MiB + 1 bytes before the newline (the object is not closed: no matter)
                long t0 = System.nanoTime();
                try {
                    raw.writeRaw(line);
                } catch (IOException e) {
                    // closed while we wrote: fine if the error came
                }
                boolean closed = McpdRig.await(Duration.ofSeconds(10), raw::ended);
                long took = System.nanoTime() - t0;
                JsonNode error = raw.unattributed();
                JsonNode neighbour = s.peers.getFirst().ask("ping", null, ANSWER);
                Snapshot after = settle(s.daemon, before);
                raw.close();
                Counts counts = s.counts().plus(raw.counts()).plus(new Counts(1, error != null ? 1 : 0, error == null && closed ? 1 : 0, 0,
                        error == null && !closed ? 1 : 0));
                List<Long> leaked = s.stop();
                return row(name(), counts, before, after, leaked, !closed ? "connection not closed within 10 s"
                        : neighbour == null ? "the other client was not answered" : null,
                        "error " + (error == null ? "none" : "'" + text(error) + "'") + ", closed after " + ms(took)
                                + "; RSS after is right after the line");
            }
        }
    }

    /** 32 clients dribble one byte per 200 ms of a line that never ends, for 5 s, next to a proxy under load. */
    static final class Slowloris implements Fault {
        @Override
        public String name() {
            return "slowloris lines (32 clients)";
        }

        @Override
        public Row run(Path root) throws Exception {
            try (Setup s = new Setup(root, Map.of(), 1)) {
                Snapshot before = McpdRig.snapshot(s.daemon);
                List<Peer> slow = new ArrayList<>();
                for (int i = 0; i < 32; i++) {
                    // no hello: the line never ends, so the first line (which would be the hello) is the slow one;
                    // the per-hello cost is the 10,000-connection row's subject
                    Peer p = s.rig.rawUnix(null);
                    p.writeRaw("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"p\":\"".getBytes(StandardCharsets.US_ASCII));
                    slow.add(p);
                }
                long stopAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                Thread dribbler = Thread.ofPlatform().start(() -> {
                    while (System.nanoTime() < stopAt) {
                        for (Peer p : slow) {
                            try {
                                p.writeRaw(new byte[] {'x'});
                            } catch (IOException e) {
                                // dropped by the daemon: fine
                            }
                        }
                        try {
                            Thread.sleep(200);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                });
                loadWith(s.peers, 5, 0.1, () -> {});
                dribbler.join();
                Snapshot during = McpdRig.snapshot(s.daemon);
                long dropped = slow.stream().filter(Peer::ended).count();
                slow.forEach(Peer::close);
                long maxLatency = s.peers.getFirst().maxLatencyMicros();
                Snapshot after = settle(s.daemon, before);
                Counts counts = s.counts();
                List<Long> leaked = s.stop();
                return row(name(), counts, before, after, leaked, maxLatency > ChaosHarness.NEIGHBOUR_BOUND_MICROS ? "neighbour waited " + maxLatency / 1000 + " ms" : null,
                        "counts are the neighbour proxy's (max latency " + maxLatency / 1000 + " ms); the daemon dropped "
                                + dropped + " of 32 slow clients within 5 s; daemon threads during: "
                                + (during == null ? "gone" : during.threads()));
            }
        }
    }

    /** 10,000 connections: connect, hello, one ping, close; then threads, fds and RSS after a GC (review finding 4). */
    static final class ShortLivedConnections implements Fault {
        private static final int CONNECTIONS = 10_000;

        @Override
        public String name() {
            return "10,000 short-lived connections";
        }

        @Override
        public Row run(Path root) throws Exception {
            try (Setup s = new Setup(root, Map.of(), 1)) {
                // warm the connection path first so class loading and JIT are not counted as growth
                for (int i = 0; i < 200; i++) {
                    try (Peer p = s.rig.rawUnix(McpdRig.hello(ProcessHandle.current().pid(), null, null))) {
                        p.ask("ping", null, ANSWER);
                    }
                }
                McpdRig.gc(s.daemon);
                Snapshot before = settle(s.daemon, McpdRig.snapshot(s.daemon));
                AtomicLong sent = new AtomicLong();
                AtomicLong answered = new AtomicLong();
                AtomicLong lost = new AtomicLong();
                AtomicLong hung = new AtomicLong();
                AtomicLong duplicated = new AtomicLong();
                AtomicLong next = new AtomicLong();
                long t0 = System.nanoTime();
                List<Thread> workers = new ArrayList<>();
                for (int w = 0; w < 4; w++) {
                    workers.add(Thread.ofPlatform().start(() -> {
                        while (next.getAndIncrement() < CONNECTIONS) {
                            try (Peer p = s.rig.rawUnix(McpdRig.hello(ProcessHandle.current().pid(), null, null))) {
                                p.ask("ping", null, ANSWER);
                                Counts c = p.counts();
                                sent.addAndGet(c.sent());
                                answered.addAndGet(c.answered());
                                lost.addAndGet(c.lost());
                                hung.addAndGet(c.hung());
                                duplicated.addAndGet(c.duplicated());
                            } catch (IOException | InterruptedException e) {
                                sent.incrementAndGet();
                                lost.incrementAndGet();
                            }
                        }
                    }));
                }
                for (Thread t : workers) {
                    t.join();
                }
                long took = System.nanoTime() - t0;
                Snapshot beforeGc = McpdRig.snapshot(s.daemon);
                McpdRig.gc(s.daemon);
                Snapshot after = settle(s.daemon, before);
                Counts counts = s.counts().plus(new Counts(sent.get(), answered.get(), lost.get(), duplicated.get(), hung.get()));
                List<Long> leaked = s.stop();
                long rssGrowth = after == null || before == null ? 0 : after.rssKiB() - before.rssKiB();
                String death = after == null ? "; daemon-exits.log: " + tail(s.rig.stateDir.resolve("daemon-exits.log"))
                        + "; daemon.log: " + tail(s.rig.stateDir.resolve("daemon.log")) : "";
                return row(name(), counts, before, after, leaked, rssGrowth > RSS_SLACK ? "RSS +" + rssGrowth / 1024 + " MiB after GC" : null,
                        CONNECTIONS + " connections in " + ms(took) + " (4 at a time); growth after GC: threads "
                                + ChaosHarness.signed(after == null ? 0 : after.threads() - before.threads()) + ", fds "
                                + ChaosHarness.signed(after == null ? 0 : after.fds() - before.fds()) + ", RSS "
                                + ChaosHarness.signed(rssGrowth / 1024) + " MiB (threads before the GC: "
                                + (beforeGc == null ? "-" : beforeGc.threads()) + ")" + death);
            }
        }

        private static final long RSS_SLACK = ChaosHarness.RSS_SLACK_KIB;
    }

    /** The last line of a file that says something, shortened; "-" when there is none. */
    static String tail(Path file) {
        try {
            List<String> lines = Files.readAllLines(file).stream().filter(l -> !l.isBlank() && !l.startsWith("\tat ")).toList();
            String last = lines.isEmpty() ? "-" : lines.getLast();
            return last.length() > 200 ? last.substring(0, 200) + "…" : last;
        } catch (IOException e) {
            return "-";
        }
    }

    /** 5,000 requests written at once through a proxy; every one answered exactly once (review finding 7). */
    static final class PipelinedBurst implements Fault {
        private static final int REQUESTS = 5_000;

        @Override
        public String name() {
            return "pipelined burst (5,000 through a proxy)";
        }

        @Override
        public Row run(Path root) throws Exception {
            try (Setup s = new Setup(root, Map.of(), 1)) {
                Snapshot before = McpdRig.snapshot(s.daemon);
                Peer peer = s.peers.getFirst();
                StringBuilder burst = new StringBuilder();
                for (int i = 0; i < REQUESTS; i++) {
                    long id = peer.reserve();
                    burst.append(id % 2 == 1 ? Peer.line(id, "ping", null)
                            : Peer.line(id, "tools/call", Peer.call("diag_echo", "{\"text\":\"" + "y".repeat(512) + "\"}"))).append('\n');
                }
                byte[] bytes = burst.toString().getBytes(StandardCharsets.UTF_8);
                long t0 = System.nanoTime();
                Thread writer = Thread.ofPlatform().daemon().start(() -> {
                    try {
                        peer.writeRaw(bytes);
                    } catch (IOException e) {
                        // proxy gone: counted lost
                    }
                });
                boolean all = peer.awaitAll(Duration.ofSeconds(30));
                long took = System.nanoTime() - t0;
                boolean written = !writer.isAlive();
                Snapshot after = settle(s.daemon, before);
                Counts counts = s.counts();
                List<Long> leaked = s.stop();
                return row(name(), counts, before, after, leaked, written ? null : "the proxy stopped reading its stdin (deadlock)",
                        bytes.length / 1024 + " KiB written at once; " + (all ? "all answered in " + ms(took)
                                : "not all answered within 30 s") + "; writer " + (written ? "done" : "still blocked"));
            }
        }
    }
}
