package dev.mcpd.benchmarks;

import static dev.mcpd.benchmarks.Report.histogram;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpd.adapter.primary.unixsocket.UnixSocketTransport;
import dev.mcpd.adapter.primary.wire.JacksonJsonCodec;
import dev.mcpd.adapter.secondary.process.ProcessHandleLivenessProbe;
import dev.mcpd.adapter.secondary.state.FileStateDirectory;
import dev.mcpd.application.daemon.Daemon;
import dev.mcpd.application.daemon.DaemonClientRegistry;
import dev.mcpd.application.daemon.DaemonIdentity;
import dev.mcpd.application.daemon.DaemonPorts;
import dev.mcpd.application.daemon.DaemonSettings;
import dev.mcpd.domain.model.Pid;
import dev.mcpd.domain.port.LeftoverProcesses;
import dev.mcpd.domain.port.LivenessProbe;
import dev.mcpd.domain.time.Ticker;
import dev.mcpd.testing.McpdScope;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.slf4j.LoggerFactory;

/**
 * Measures the daemon's lifecycle (B-L3, B-E2) with real processes and real sockets and prints a Markdown table:
 * <ul>
 *   <li>reap latency, event path: a real daemon ({@code bin/mcpd daemon run}, sweep every hour so only the exit
 *       event can act); a client says hello naming a {@code sleep} host; from SIGKILL of the host to the daemon
 *       closing the client's connection.
 *   <li>reap latency, sweep path: the same with the event path switched off: an in-process {@link Daemon} on the real
 *       Unix socket transport and the real {@link ProcessHandleLivenessProbe}, whose {@code onExit} is made a no-op,
 *       so only the periodic sweep can find the dead host.
 *   <li>shutdown time: a real daemon with N sessions (1, 10, 50, 200), each holding a child process through
 *       {@code diag_hold_process}; from SIGTERM to the daemon's exit; every child must be gone by then.
 * </ul>
 * Usage: {@code LifecycleHarness <repo root> [runs]}.
 */
public final class LifecycleHarness {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration SWEEP = Duration.ofMillis(500);

    private final Path root;
    private McpdScope scope;
    private Path stateDir;

    private LifecycleHarness(Path root) {
        this.root = root;
    }

    public static void main(String[] args) throws Exception {
        ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).setLevel(Level.WARN);
        Path root = Path.of(args[0]).toAbsolutePath().normalize();
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        LifecycleHarness harness = new LifecycleHarness(root);
        System.out.println("| measurement | runs | median | p90 | p99 | max |");
        System.out.println("|---|---|---|---|---|---|");
        harness.reapByExitEvent(runs);
        harness.reapBySweep(runs);
        for (int sessions : List.of(1, 10, 50, 200)) {
            harness.shutdown(sessions, Math.max(3, runs / 4));
        }
    }

    /** From SIGKILL of a client's host to the daemon closing the client, with the sweep out of reach (1 h). */
    private void reapByExitEvent(int runs) throws Exception {
        Process daemon = startDaemon(Map.of("MCPD_DAEMON_CLIENT_SWEEP", "1h"));
        try {
            Histogram h = histogram();
            for (int i = 0; i < runs; i++) {
                h.recordValue(reapOnce());
            }
            Report.row("reap after the host's death, exit-event path (real daemon, sweep 1 h)", h);
        } finally {
            stop(daemon);
        }
    }

    /** The same with the exit event switched off: only the sweep (every 500 ms) can reap. */
    private void reapBySweep(int runs) throws Exception {
        newStateDir();
        LivenessProbe real = new ProcessHandleLivenessProbe();
        LivenessProbe noEvents = new LivenessProbe() {
            @Override
            public Optional<Pid> identify(long pid) {
                return real.identify(pid);
            }

            @Override
            public Liveness check(Pid pid) {
                return real.check(pid);
            }

            @Override
            public ExitWatch onExit(Pid pid, Runnable action) {
                return ExitWatch.NONE; // the event path is off: only the sweep may find the dead process
            }
        };
        FileStateDirectory state = new FileStateDirectory(stateDir);
        state.prepare();
        long self = ProcessHandle.current().pid();
        DaemonIdentity identity = new DaemonIdentity("bench", real.identify(self).orElse(Pid.unverified(self)),
                ((Number) Files.getAttribute(stateDir, "unix:uid")).longValue(), stateDir.toString());
        DaemonSettings d = DaemonSettings.DEFAULTS;
        DaemonSettings settings = new DaemonSettings(Duration.ofMinutes(5), d.checkInterval(), d.shutdownGrace(),
                d.callTimeout(), d.maxLineBytes(), d.toolsPageSize(), SWEEP, Duration.ZERO);
        Daemon daemon = new Daemon(identity, settings, new DaemonPorts(state, List.of(new UnixSocketTransport(state.socketPath())),
                List.of(), new DaemonClientRegistry(), noEvents, new JacksonJsonCodec(), LeftoverProcesses.none(),
                Clock.systemUTC(), Ticker.system()));
        Thread runner = Thread.ofPlatform().name("bench-daemon").start(() -> {
            try {
                daemon.run();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        try {
            awaitFile(state.socketPath());
            Histogram h = histogram();
            for (int i = 0; i < runs; i++) {
                h.recordValue(reapOnce());
            }
            Report.row("reap after the host's death, sweep path only (in-process daemon, exit events off, sweep "
                    + SWEEP.toMillis() + " ms)", h);
        } finally {
            daemon.requestStop("benchmark done");
            daemon.awaitTermination(Duration.ofSeconds(15));
            runner.join(Duration.ofSeconds(5));
            deleteStateDir();
        }
    }

    /** One reap: a client names a fresh host, the host is SIGKILLed; microseconds until the daemon closes the client. */
    private long reapOnce() throws Exception {
        Process host = new ProcessBuilder("sleep", "600").start();
        try (Client client = new Client()) {
            client.send("{\"mcpd_client\":1,\"pid\":" + ProcessHandle.current().pid() + ",\"hostPid\":" + host.pid()
                    + ",\"env\":{}}");
            // a round trip on the same connection: the hello has been handled once the ping is answered
            client.send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}");
            client.readLine();
            // a random phase: the sweep ticks at a fixed delay, and reaping right after one reap would always land
            // just after a tick, measuring the worst case only
            Thread.sleep(ThreadLocalRandom.current().nextLong(SWEEP.toMillis()));
            long killed = System.nanoTime();
            host.destroyForcibly();
            if (client.readLine() != null) {
                throw new IllegalStateException("expected the daemon to close the connection");
            }
            return TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - killed);
        } finally {
            host.destroyForcibly();
            host.waitFor();
        }
    }

    /** From SIGTERM to exit of a daemon holding {@code sessions} sessions, each with a child process. */
    private void shutdown(int sessions, int runs) throws Exception {
        Histogram h = histogram();
        int childrenLeft = 0;
        for (int run = 0; run < runs; run++) {
            Process daemon = startDaemon(Map.of());
            List<Client> clients = new ArrayList<>();
            List<Long> children = new ArrayList<>();
            try {
                for (int i = 0; i < sessions; i++) {
                    Client client = new Client();
                    clients.add(client);
                    client.send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":"
                            + "\"diag_hold_process\",\"arguments\":{\"seconds\":600}}}");
                    children.add(JSON.readTree(client.readLine()).path("result").path("structuredContent").path("pid").asLong());
                }
                long sent = System.nanoTime();
                daemon.destroy();
                if (!daemon.waitFor(60, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the daemon did not exit within 60 s of SIGTERM");
                }
                h.recordValue(TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - sent));
                childrenLeft += (int) children.stream().filter(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive)
                        .orElse(false)).count();
            } finally {
                clients.forEach(Client::close);
                children.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
                stop(daemon);
            }
        }
        Report.row("SIGTERM to daemon exit, " + sessions + " session(s) each holding a child process"
                + (childrenLeft == 0 ? "; no child left" : "; " + childrenLeft + " CHILDREN LEFT"), h);
    }

    private Process startDaemon(Map<String, String> settings) throws Exception {
        newStateDir();
        Process daemon = scope.builder(scope.command("daemon", "run"), settings).redirectErrorStream(true)
                .redirectOutput(stateDir.resolve("daemon-run.out").toFile()).start();
        awaitFile(stateDir.resolve("daemon.json"));
        awaitFile(stateDir.resolve("daemon.sock"));
        return daemon;
    }

    private void stop(Process daemon) throws Exception {
        daemon.destroy();
        if (!daemon.waitFor(15, TimeUnit.SECONDS)) {
            daemon.destroyForcibly();
            daemon.waitFor();
        }
        deleteStateDir();
    }

    private void newStateDir() throws IOException {
        scope = McpdScope.create(root, "mcpd-life-bench-").env("MCPD_ENGINES", "diagnostics")
                .env("MCPD_DAEMON_IDLE_TIMEOUT", "60s").env("MCPD_LOG_LEVEL", "warn");
        stateDir = scope.stateDir();
    }

    private void deleteStateDir() throws InterruptedException {
        scope.close();
    }

    private static void awaitFile(Path path) {
        if (!McpdRig.await(Duration.ofSeconds(60), () -> Files.exists(path))) {
            throw new IllegalStateException(path + " did not appear within 60 s");
        }
    }

    /** A raw connection to the daemon's socket, past the daemon's hello. */
    private final class Client implements AutoCloseable {
        private final SocketChannel channel;
        private final OutputStream out;
        private final BufferedReader in;

        Client() throws IOException {
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            channel.connect(UnixDomainSocketAddress.of(stateDir.resolve("daemon.sock")));
            out = Channels.newOutputStream(channel);
            in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
            in.readLine(); // the daemon's hello (B-W2)
        }

        void send(String line) throws IOException {
            out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        String readLine() throws IOException {
            try {
                return in.readLine();
            } catch (IOException e) {
                return null; // reset by the daemon: closed all the same
            }
        }

        @Override
        public void close() {
            try {
                channel.close();
            } catch (IOException e) {
                // already closed
            }
        }
    }
}
