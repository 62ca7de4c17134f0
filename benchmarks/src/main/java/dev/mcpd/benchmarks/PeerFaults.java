package dev.mcpd.benchmarks;

import static dev.mcpd.benchmarks.ChaosHarness.row;
import static dev.mcpd.benchmarks.ChaosHarness.settle;
import static dev.mcpd.benchmarks.Faults.ANSWER;
import static dev.mcpd.benchmarks.Faults.loadWith;
import static dev.mcpd.benchmarks.Faults.ms;
import static dev.mcpd.benchmarks.Faults.tail;
import static dev.mcpd.benchmarks.Faults.text;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpd.benchmarks.ChaosHarness.Fault;
import dev.mcpd.benchmarks.ChaosHarness.Row;
import dev.mcpd.benchmarks.Faults.Setup;
import dev.mcpd.benchmarks.Peer.Counts;
import dev.mcpd.benchmarks.Procfs.Snapshot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** Faults a hostile or broken peer causes on the wire: stuck readers, oversized lines, slowloris, floods, bursts, a foreign protocol version (B-C4, B-W4). */
final class PeerFaults {

    /** How many connections the short-lived-connections row opens, one after another (4 at a time). */
    private static final int SHORT_LIVED_CONNECTIONS = 10_000;

    /** How many requests the pipelined-burst row writes at once. */
    private static final int BURST_REQUESTS = 5_000;

    private PeerFaults() {}

    static final class StuckReader implements Fault {
        @Override
        public String name() {
            return "stuck reader";
        }

        @Override
        public Row run(Path root) throws Exception {
            try (Setup s = new Setup(root, Map.of(), 1)) {
                Snapshot before = Procfs.snapshot(s.daemon);
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
                Snapshot during = Procfs.snapshot(s.daemon);
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

    static final class StuckReaderAtShutdown implements Fault {
        @Override
        public String name() {
            return "stuck reader at shutdown (SIGTERM)";
        }

        @Override
        public Row run(Path root) throws Exception {
            try (Setup s = new Setup(root, Map.of("MCPD_DAEMON_SHUTDOWN_GRACE", "2s"), 1)) {
                Snapshot before = Procfs.snapshot(s.daemon);
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
                Procfs.signal(daemon, "TERM");
                boolean exited = McpdRig.await(Duration.ofSeconds(15), () -> !Procfs.alive(daemon));
                long took = System.nanoTime() - t0;
                boolean recordLeft = Files.exists(s.rig.record()) && s.rig.daemonPid() == daemon;
                if (!exited) {
                    Procfs.signal(daemon, "KILL");
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

    /** A hello of another protocol version: the client gets clear answers, the daemon carries on (B-W4). */
    static final class VersionMismatch implements Fault {
        @Override
        public String name() {
            return "version mismatch";
        }

        @Override
        public Row run(Path root) throws Exception {
            try (Setup s = new Setup(root, Map.of(), 1)) {
                Snapshot before = Procfs.snapshot(s.daemon);
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

    /** One line of 16 MiB + 1 byte: one error, the connection closed, the daemon unharmed (B-C4, review finding 5). */
    static final class OversizedLine implements Fault {
        @Override
        public String name() {
            return "oversized line (16 MiB + 1)";
        }

        @Override
        public Row run(Path root) throws Exception {
            try (Setup s = new Setup(root, Map.of(), 1)) {
                Snapshot before = Procfs.snapshot(s.daemon);
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
                Snapshot before = Procfs.snapshot(s.daemon);
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
                Snapshot during = Procfs.snapshot(s.daemon);
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
                Procfs.gc(s.daemon);
                Snapshot before = settle(s.daemon, Procfs.snapshot(s.daemon));
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
                        while (next.getAndIncrement() < SHORT_LIVED_CONNECTIONS) {
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
                Snapshot beforeGc = Procfs.snapshot(s.daemon);
                Procfs.gc(s.daemon);
                Snapshot after = settle(s.daemon, before);
                Counts counts = s.counts().plus(new Counts(sent.get(), answered.get(), lost.get(), duplicated.get(), hung.get()));
                List<Long> leaked = s.stop();
                long rssGrowth = after == null || before == null ? 0 : after.rssKiB() - before.rssKiB();
                String death = after == null ? "; daemon-exits.log: " + tail(s.rig.stateDir.resolve("daemon-exits.log"))
                        + "; daemon.log: " + tail(s.rig.stateDir.resolve("daemon.log")) : "";
                return row(name(), counts, before, after, leaked, rssGrowth > ChaosHarness.RSS_SLACK_KIB ? "RSS +" + rssGrowth / 1024 + " MiB after GC" : null,
                        SHORT_LIVED_CONNECTIONS + " connections in " + ms(took) + " (4 at a time); growth after GC: threads "
                                + ChaosHarness.signed(after == null ? 0 : after.threads() - before.threads()) + ", fds "
                                + ChaosHarness.signed(after == null ? 0 : after.fds() - before.fds()) + ", RSS "
                                + ChaosHarness.signed(rssGrowth / 1024) + " MiB (threads before the GC: "
                                + (beforeGc == null ? "-" : beforeGc.threads()) + ")" + death);
            }
        }
    }

    /** 5,000 requests written at once through a proxy; every one answered exactly once (review finding 7). */
    static final class PipelinedBurst implements Fault {
        @Override
        public String name() {
            return "pipelined burst (5,000 through a proxy)";
        }

        @Override
        public Row run(Path root) throws Exception {
            try (Setup s = new Setup(root, Map.of(), 1)) {
                Snapshot before = Procfs.snapshot(s.daemon);
                Peer peer = s.peers.getFirst();
                StringBuilder burst = new StringBuilder();
                for (int i = 0; i < BURST_REQUESTS; i++) {
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
