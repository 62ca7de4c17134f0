package dev.mcpd.benchmarks;

import static dev.mcpd.benchmarks.ChaosHarness.row;
import static dev.mcpd.benchmarks.ChaosHarness.settle;
import static dev.mcpd.benchmarks.ChaosHarness.skip;
import static dev.mcpd.benchmarks.Faults.ANSWER;
import static dev.mcpd.benchmarks.Faults.START;
import static dev.mcpd.benchmarks.Faults.hyperdMissing;
import static dev.mcpd.benchmarks.Faults.ms;
import static dev.mcpd.benchmarks.Faults.ok;
import static dev.mcpd.benchmarks.Faults.text;
import static dev.mcpd.benchmarks.Faults.warmHyperd;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpd.benchmarks.ChaosHarness.Fault;
import dev.mcpd.benchmarks.ChaosHarness.Row;
import dev.mcpd.benchmarks.Faults.Setup;
import dev.mcpd.benchmarks.Faults.WarmHyperd;
import dev.mcpd.benchmarks.Peer.Counts;
import dev.mcpd.benchmarks.Procfs.Snapshot;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Faults in the backends: a missing container runtime, a frozen or killed hyperd, a TCP peer that vanishes without FIN (B-B3, B-T4). */
final class BackendFaults {

    private BackendFaults() {}

    /** DOCKER_HOST names a missing socket: container calls answered with isError within 5 s. */
    static final class RuntimeDown implements Fault {
        @Override
        public String name() {
            return "runtime down";
        }

        @Override
        public Row run(Path root) throws Exception {
            try (Setup s = new Setup(root, Map.of(), 1)) {
                Snapshot before = Procfs.snapshot(s.daemon);
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

    /** An attack on a warm hyperd ({@code hyperd} is its pid); it stops the setup and returns the row. */
    @FunctionalInterface
    interface HyperdAttack {
        Row attack(String name, Setup s, Peer peer, long hyperd, Snapshot before) throws Exception;
    }

    /**
     * A fault against a warm hyperd: skipped without {@code MCPD_HYPERD_PATH} or when hyperd does not start; else one
     * initialized proxy whose first query started hyperd, and the row its {@link HyperdAttack} returns.
     */
    record HyperdFault(String name, HyperdAttack attack) implements Fault {
        @Override
        public Row run(Path root) throws Exception {
            if (hyperdMissing() != null) {
                return skip(name, hyperdMissing());
            }
            try (Setup s = new Setup(root, Map.of(), 1)) {
                Peer peer = s.peers.getFirst();
                WarmHyperd warm = warmHyperd(s, peer);
                if (warm.failure() != null) {
                    s.stop();
                    return skip(name, warm.failure());
                }
                return attack.attack(name, s, peer, warm.pid(), Procfs.snapshot(s.daemon));
            }
        }
    }

    /** hyperd SIGSTOPped mid-query: the call gets its deadline error (MCPD_DAEMON_CALL_TIMEOUT=5s) (B-B3). */
    static Fault hyperdFrozen() {
        return new HyperdFault("hyperd frozen (SIGSTOP)", (name, s, peer, hyperd, before) -> {
            Procfs.signal(hyperd, "STOP");
            long t0 = System.nanoTime();
            JsonNode frozen = peer.ask("tools/call", Peer.call("query", "{\"sql\":\"SELECT 2\"}"), Duration.ofSeconds(20));
            long took = System.nanoTime() - t0;
            Procfs.signal(hyperd, "CONT");
            JsonNode thawed = peer.ask("tools/call", Peer.call("query", "{\"sql\":\"SELECT 3\"}"), Duration.ofSeconds(30));
            Snapshot after = settle(s.daemon, before);
            Counts counts = s.counts();
            List<Long> leaked = s.stop();
            String problem = frozen == null ? "no answer within 20 s while hyperd was stopped"
                    : ok(frozen) ? "answered OK while hyperd was stopped?" : null;
            return row(name, counts, before, after, leaked, problem, "query during SIGSTOP answered in " + ms(took)
                    + ": " + text(frozen) + "; after SIGCONT: " + (ok(thawed) ? "OK" : text(thawed)));
        });
    }

    /** hyperd SIGKILLed between queries: it is restarted and a following call succeeds (B-B4). */
    static Fault hyperdKilled() {
        return new HyperdFault("hyperd killed (SIGKILL)", (name, s, peer, hyperd, before) -> {
            Procfs.signal(hyperd, "KILL");
            McpdRig.await(Duration.ofSeconds(5), () -> !Procfs.alive(hyperd));
            JsonNode first = peer.ask("tools/call", Peer.call("query", "{\"sql\":\"SELECT 2\"}"), Duration.ofSeconds(30));
            JsonNode second = peer.ask("tools/call", Peer.call("query", "{\"sql\":\"SELECT 3\"}"), Duration.ofSeconds(30));
            long fresh = Procfs.descendant(s.daemon, "hyperd").orElse(0L);
            Snapshot after = settle(s.daemon, before);
            Counts counts = s.counts();
            List<Long> leaked = s.stop();
            return row(name, counts, before, after, leaked, ok(first) || ok(second) ? null : "no query succeeded after the kill",
                    "first call after the kill: " + (ok(first) ? "OK" : text(first)) + "; second: "
                            + (ok(second) ? "OK" : text(second)) + "; hyperd pid " + hyperd + " → " + fresh);
        });
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
                Snapshot before = Procfs.snapshot(s.daemon);
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
}
