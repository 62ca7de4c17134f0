package dev.mcpd.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What Linux's {@code /proc} and signals tell the harnesses about a process: threads, open fds, RSS (KiB) and
 * children ({@link Snapshot}), its descendants, whether it is alive, which processes name a state directory, and
 * {@code kill -SIG}. Linux only.
 */
final class Procfs {

    private Procfs() {}

    /** What {@code /proc} says about a process: threads, open fds, RSS (KiB), direct children; null if gone. */
    record Snapshot(long pid, int threads, int fds, long rssKiB, int children, Map<String, Integer> threadNames) {

        /** Thread names (digits dropped) that are more numerous here than in {@code earlier}, with the growth. */
        String growthOver(Snapshot earlier) {
            StringBuilder out = new StringBuilder();
            threadNames.forEach((name, n) -> {
                int d = n - earlier.threadNames.getOrDefault(name, 0);
                if (d > 0) {
                    out.append(out.isEmpty() ? "" : ", ").append('"').append(name).append("\" +").append(d);
                }
            });
            return out.toString();
        }
    }

    static Snapshot snapshot(long pid) {
        try {
            int threads = 0;
            long rss = 0;
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("Threads:")) {
                    threads = Integer.parseInt(line.substring(8).strip());
                } else if (line.startsWith("VmRSS:")) {
                    rss = Long.parseLong(line.substring(6).replace("kB", "").strip());
                }
            }
            int fds;
            try (Stream<Path> s = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
                fds = (int) s.count();
            }
            int children = ProcessHandle.of(pid).map(p -> (int) p.children().count()).orElse(0);
            Map<String, Integer> names = new TreeMap<>();
            try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
                for (Path task : (Iterable<Path>) tasks::iterator) {
                    try {
                        names.merge(Files.readString(task.resolve("comm")).strip().replaceAll("[0-9]+", "#"), 1, Integer::sum);
                    } catch (IOException e) {
                        // the thread ended
                    }
                }
            }
            return new Snapshot(pid, threads, fds, rss, children, names);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Runs a full GC in {@code pid} ({@code jcmd PID GC.run}), so heap growth is not mistaken for a leak. */
    static void gc(long pid) {
        try {
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    Long.toString(pid), "GC.run").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            p.waitFor(20, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException e) {
            // no GC: the numbers are then an upper bound
        }
    }

    /**
     * Live processes (other than this JVM and {@code except}) whose command line or environment contains
     * {@code needle}, such as a rig's state directory: its proxies, daemon, hyperd and engines' children.
     */
    static List<Long> naming(String needle, Set<Long> except) {
        List<Long> found = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : (Iterable<Path>) procs::iterator) {
                String name = p.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                long pid = Long.parseLong(name);
                if (pid == ProcessHandle.current().pid() || except.contains(pid)) {
                    continue;
                }
                if (contains(p.resolve("cmdline"), needle) || contains(p.resolve("environ"), needle)) {
                    found.add(pid);
                }
            }
        } catch (IOException e) {
            // best effort
        }
        return found;
    }

    private static boolean contains(Path file, String needle) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1).contains(needle);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** The pids of live processes below {@code pid} whose command is {@code comm}. */
    static Optional<Long> descendant(long pid, String comm) {
        return ProcessHandle.of(pid).flatMap(p -> p.descendants()
                .filter(d -> d.info().command().map(c -> Path.of(c).getFileName().toString().equals(comm)).orElse(false))
                .map(ProcessHandle::pid).findFirst());
    }

    static void signal(long pid, String signal) {
        try {
            new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).start().waitFor(5, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("kill -" + signal + " " + pid + ": " + e, e);
        }
    }

    static boolean alive(long pid) {
        return pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
}
