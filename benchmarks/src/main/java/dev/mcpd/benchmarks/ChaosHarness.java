package dev.mcpd.benchmarks;

import dev.mcpd.benchmarks.Peer.Counts;
import dev.mcpd.benchmarks.Procfs.Snapshot;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The chaos table of review section 4 ("the harness that keeps it fixed"): every fault kind against a real daemon
 * with real proxies ({@code java -jar bootstrap/target/mcpd.jar serve --mcp}) in a private state directory, each
 * request id tracked (answered exactly once / lost / duplicated / hung), the daemon's threads, fds and RSS read
 * from {@code /proc} before and after, and the processes of the run that outlive an orderly stop. Prints one
 * Markdown table; exits 1 when a row failed, 0 otherwise (skipped rows say why and do not fail).
 *
 * <p>Usage: {@code ChaosHarness <repo root> [fault-name-substring ...]}. Run by {@code scripts/chaos.sh}.
 */
public final class ChaosHarness {

    /** Daemon thread growth over which a row fails. */
    static final int THREAD_SLACK = 16;
    /** Daemon fd growth over which a row fails. */
    static final int FD_SLACK = 16;
    /** The Unix transport's cached blocking-I/O pool threads, as named in /proc (digits → #). */
    static final String POOLED = "unix-io-#";
    /** A neighbour of a misbehaving client waiting longer than this for one answer fails the row (μs). */
    static final long NEIGHBOUR_BOUND_MICROS = 10_000_000;
    /** Daemon RSS growth (KiB) over which the 10,000-connection row fails (after a GC). */
    static final long RSS_SLACK_KIB = 96 * 1024;

    private ChaosHarness() {}

    /** One fault kind: sets up its rig, injects the fault under load, and reports one row. */
    interface Fault {
        String name();

        Row run(Path root) throws Exception;
    }

    /** One line of the table. */
    record Row(String fault, Counts counts, String leaks, String rss, Verdict verdict, String notes) {}

    enum Verdict { PASS, FAIL, SKIP }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]).toAbsolutePath().normalize();
        List<String> only = List.of(args).subList(1, args.length);
        List<Fault> faults = Faults.all();
        List<Row> rows = new ArrayList<>();
        long start = System.nanoTime();
        for (Fault fault : faults) {
            if (!only.isEmpty() && only.stream().noneMatch(o -> fault.name().contains(o))) {
                continue;
            }
            long t0 = System.nanoTime();
            System.err.printf("chaos: %s ...%n", fault.name());
            Row row;
            try {
                row = fault.run(root);
            } catch (Exception | AssertionError e) {
                row = new Row(fault.name(), Counts.ZERO, "?", "?", Verdict.FAIL, "harness error: " + e);
                e.printStackTrace();
            }
            rows.add(row);
            System.err.printf("chaos: %s %s in %d s: %s%n", fault.name(), row.verdict(), (System.nanoTime() - t0) / 1_000_000_000L, row.notes());
        }
        System.out.println("| fault | requests sent | answered | lost | duplicated | hung | leaked threads/fds/processes "
                + "| daemon RSS before/after | verdict | notes |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|");
        for (Row r : rows) {
            Counts c = r.counts();
            System.out.printf("| %s | %d | %d | %d | %d | %d | %s | %s | %s | %s |%n", r.fault(), c.sent(), c.answered(),
                    c.lost(), c.duplicated(), c.hung(), r.leaks(), r.rss(), r.verdict(), r.notes().replace("|", "\\|"));
        }
        long failed = rows.stream().filter(r -> r.verdict() == Verdict.FAIL).count();
        long skipped = rows.stream().filter(r -> r.verdict() == Verdict.SKIP).count();
        System.out.printf("%n%d rows: %d passed, %d failed, %d skipped (%d s)%n", rows.size(),
                rows.size() - failed - skipped, failed, skipped, (System.nanoTime() - start) / 1_000_000_000L);
        System.exit(failed > 0 ? 1 : 0);
    }

    // ---- helpers shared by the faults ----

    /** The settings every rig gets: engines, a short sweep, a short call timeout, a quick host check. */
    static Map<String, String> settings() {
        Map<String, String> s = new LinkedHashMap<>();
        String hyperd = System.getenv("MCPD_HYPERD_PATH");
        s.put("MCPD_ENGINES", "containers,diagnostics" + (hyperd == null || hyperd.isBlank() ? "" : ",hyperd"));
        if (hyperd != null && !hyperd.isBlank()) {
            s.put("MCPD_HYPERD_PATH", hyperd);
        }
        s.put("MCPD_DAEMON_IDLE_TIMEOUT", "120s");
        s.put("MCPD_DAEMON_CLIENT_SWEEP", "2s");
        s.put("MCPD_DAEMON_CALL_TIMEOUT", "5s");
        s.put("MCPD_PPID_POLL", "500ms");
        return s;
    }

    static String rss(Snapshot before, Snapshot after) {
        return mib(before) + " → " + mib(after);
    }

    private static String mib(Snapshot s) {
        return s == null ? "gone" : String.format("%.0f MiB", s.rssKiB() / 1024.0);
    }

    /**
     * Waits up to 5 s for the daemon's threads and fds to come back within the slack of {@code before} (a closed
     * connection's thread ends asynchronously), then returns the snapshot.
     */
    static Snapshot settle(long pid, Snapshot before) throws InterruptedException {
        Snapshot[] last = {Procfs.snapshot(pid)};
        if (before == null) {
            return last[0];
        }
        McpdRig.await(Duration.ofSeconds(5), () -> {
            last[0] = Procfs.snapshot(pid);
            return last[0] == null || (last[0].threads() - before.threads() <= THREAD_SLACK / 2
                    && last[0].fds() - before.fds() <= FD_SLACK / 2);
        });
        return last[0];
    }

    /** Builds the row: fails on lost/duplicated/hung, leak growth over the slack, leaked processes, or {@code problem}. */
    static Row row(String fault, Counts counts, Snapshot before, Snapshot after, List<Long> leakedProcesses,
            String problem, String notes) {
        boolean same = before != null && after != null && before.pid() == after.pid();
        // idle threads of the Unix transport's cached I/O pool end after its 60 s keep-alive: shown, not counted
        int pooled = same ? after.threadNames().getOrDefault(POOLED, 0) - before.threadNames().getOrDefault(POOLED, 0) : 0;
        int dThreads = same ? after.threads() - before.threads() - Math.max(0, pooled) : 0;
        int dFds = same ? after.fds() - before.fds() : 0;
        String leaks = (same ? signed(dThreads) + "/" + signed(dFds) : "n/a/n/a") + "/" + leakedProcesses.size();
        List<String> problems = new ArrayList<>();
        if (before != null && after == null) {
            problems.add("the daemon died");
        }
        if (counts.lost() + counts.duplicated() + counts.hung() > 0) {
            problems.add("requests not answered exactly once");
        }
        if (dThreads > THREAD_SLACK) {
            problems.add("daemon threads +" + dThreads + " (" + after.growthOver(before) + ")");
        }
        if (dFds > FD_SLACK) {
            problems.add("daemon fds +" + dFds);
        }
        if (!leakedProcesses.isEmpty()) {
            problems.add("processes left after an orderly stop: " + leakedProcesses);
        }
        if (problem != null) {
            problems.add(problem);
        }
        if (pooled > 0) {
            notes = notes + " (+" + pooled + " idle `unix-io` pool threads not counted: 60 s keep-alive)";
        }
        String text = problems.isEmpty() ? notes : "**" + String.join("; ", problems) + "**. " + notes;
        return new Row(fault, counts, leaks, rss(before, after), problems.isEmpty() ? Verdict.PASS : Verdict.FAIL, text);
    }

    static String signed(long n) {
        return n >= 0 ? "+" + n : Long.toString(n);
    }

    static Row skip(String fault, String why) {
        return new Row(fault, Counts.ZERO, "-", "-", Verdict.SKIP, why);
    }
}
