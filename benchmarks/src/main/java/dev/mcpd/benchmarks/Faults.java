package dev.mcpd.benchmarks;

import static dev.mcpd.benchmarks.ChaosHarness.settings;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpd.benchmarks.ChaosHarness.Fault;
import dev.mcpd.benchmarks.Peer.Counts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The fault kinds of {@link ChaosHarness} in table order, and what they share (a rig of initialized proxies, a load
 * loop, answer checks). The faults themselves are in {@link ProcessFaults}, {@link PeerFaults} and {@link BackendFaults}.
 */
final class Faults {

    static final Duration START = Duration.ofSeconds(60);
    static final Duration ANSWER = Duration.ofSeconds(10);

    private Faults() {}

    static List<Fault> all() {
        return List.of(new ProcessFaults.DaemonSignal("TERM"), new ProcessFaults.DaemonSignal("KILL"),
                new ProcessFaults.HostKill(), new ProcessFaults.ProxyKillSocketHeld(), new PeerFaults.StuckReader(),
                new PeerFaults.StuckReaderAtShutdown(), new ProcessFaults.FrozenPeer(), new ProcessFaults.StaleState(),
                new ProcessFaults.PidReuse(), new PeerFaults.VersionMismatch(), new BackendFaults.RuntimeDown(),
                BackendFaults.hyperdFrozen(), BackendFaults.hyperdKilled(), new BackendFaults.HalfOpenTcp(),
                new ProcessFaults.ColdStart16(), new PeerFaults.OversizedLine(), new PeerFaults.Slowloris(),
                new PeerFaults.ShortLivedConnections(), new PeerFaults.PipelinedBurst());
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

    /**
     * A client connects with a hello naming its own pid, hands its socket to a child ({@code sleep}) and is
     * SIGKILLed: the socket stays open, the daemon must drop the client on the exit of the pid (B-L3).
     */

    /**
     * A raw client bursts 1,000 echo calls of 32 KiB and never reads its answers; a proxy next to it must be served
     * as usual, and closing the stuck client must give back its threads and memory (B-C2, B-W2).
     */

    /**
     * A raw client bursts echo calls and never reads; then the daemon gets SIGTERM: it must still exit within its
     * shutdown grace (10 s) plus 5 s (B-E1, B-E2, review finding 2). The proxy's requests are counted.
     */

    static String hyperdMissing() {
        String path = System.getenv("MCPD_HYPERD_PATH");
        return path == null || path.isBlank() ? "MCPD_HYPERD_PATH is unset (scripts/chaos.sh sets it when "
                + "scripts/setup-hyperd.sh has fetched hyperd)" : null;
    }

    static boolean ok(JsonNode answer) {
        return answer != null && answer.has("result") && !answer.path("result").path("isError").asBoolean();
    }

    static String text(JsonNode answer) {
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
    record WarmHyperd(long pid, String failure) {}

    static WarmHyperd warmHyperd(Setup s, Peer peer) throws Exception {
        JsonNode warm = peer.ask("tools/call", Peer.call("query", "{\"sql\":\"SELECT 1\"}"), START);
        long hyperd = Procfs.descendant(s.daemon, "hyperd").orElse(0L);
        return ok(warm) && hyperd != 0 ? new WarmHyperd(hyperd, null)
                : new WarmHyperd(0, "hyperd did not start: " + text(warm));
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

}
