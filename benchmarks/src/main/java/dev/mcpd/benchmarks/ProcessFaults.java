package dev.mcpd.benchmarks;

import static dev.mcpd.benchmarks.ChaosHarness.row;
import static dev.mcpd.benchmarks.ChaosHarness.settings;
import static dev.mcpd.benchmarks.ChaosHarness.settle;
import static dev.mcpd.benchmarks.ChaosHarness.skip;
import static dev.mcpd.benchmarks.Faults.ANSWER;
import static dev.mcpd.benchmarks.Faults.START;
import static dev.mcpd.benchmarks.Faults.loadWith;
import static dev.mcpd.benchmarks.Faults.ms;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpd.benchmarks.ChaosHarness.Fault;
import dev.mcpd.benchmarks.ChaosHarness.Row;
import dev.mcpd.benchmarks.Faults.Setup;
import dev.mcpd.benchmarks.Peer.Counts;
import dev.mcpd.benchmarks.Procfs.Snapshot;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** Faults that kill, stop or replace processes: the daemon, the host, a proxy; stale state and pid reuse (B-G1, B-G3, B-G4, B-G5, B-L3, B-S2). */
final class ProcessFaults {

    private ProcessFaults() {}

    /** 4 proxies under load; the daemon gets SIGTERM or SIGKILL 2 s in; the proxies must carry on (B-G3, B-G4, B-G5). */
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
                Snapshot before = Procfs.snapshot(s.daemon);
                long old = s.daemon;
                long[] killedAt = {0};
                loadWith(s.peers, 8, 2, () -> {
                    killedAt[0] = System.nanoTime();
                    Procfs.signal(old, signal);
                });
                long fresh = s.rig.awaitDaemon(old, Duration.ofSeconds(10));
                boolean allBack = fresh != 0 && McpdRig.await(Duration.ofSeconds(10), () -> s.rig.helloClients() >= 4);
                Snapshot after = fresh == 0 ? null : Procfs.snapshot(fresh);
                boolean oldGone = !Procfs.alive(old);
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
                Snapshot before = Procfs.snapshot(s.daemon);
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
                Snapshot before = Procfs.snapshot(s.daemon);
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
                boolean childAlive = Procfs.alive(child);
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

    /** Two proxies under load; one is SIGSTOPped for 3 s then continued: all requests answered exactly once. */
    static final class FrozenPeer implements Fault {
        @Override
        public String name() {
            return "frozen peer (SIGSTOP proxy)";
        }

        @Override
        public Row run(Path root) throws Exception {
            try (Setup s = new Setup(root, Map.of(), 2)) {
                Snapshot before = Procfs.snapshot(s.daemon);
                long frozen = s.proxies.getFirst().pid();
                loadWith(s.peers, 8, 2, () -> {
                    Procfs.signal(frozen, "STOP");
                    try {
                        Thread.sleep(3000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    Procfs.signal(frozen, "CONT");
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
                Procfs.signal(old, "KILL");
                McpdRig.await(Duration.ofSeconds(5), () -> !Procfs.alive(old));
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
                Snapshot snap = fresh == 0 ? null : Procfs.snapshot(fresh);
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
                Snapshot before = Procfs.snapshot(s.daemon);
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
                Snapshot snap = Procfs.snapshot(daemon);
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
}
