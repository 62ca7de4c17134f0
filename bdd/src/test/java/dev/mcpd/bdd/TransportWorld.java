package dev.mcpd.bdd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mcpd.adapter.primary.tcp.TcpListen;
import dev.mcpd.adapter.primary.tcp.TcpTransport;
import dev.mcpd.adapter.primary.unixsocket.UnixSocketTransport;
import dev.mcpd.domain.model.Endpoint;
import dev.mcpd.domain.model.TcpKeepalive;
import dev.mcpd.domain.model.TransportKind;
import dev.mcpd.domain.port.Connection;
import dev.mcpd.domain.port.Transport;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The driver of the socket-close steps: a bare daemon transport (Unix socket or TCP) with a scripted handler, real
 * peer processes, and the instants that the scenarios' time bounds are measured between.
 */
public final class TransportWorld {

    /** What the handler does after writing its response. */
    public enum Ending { RETURN, FAIL }

    private final List<Process> peers = new ArrayList<>();
    private final AtomicLong lastWrite = new AtomicLong();
    private final AtomicInteger accepted = new AtomicInteger();
    private volatile CountDownLatch release = new CountDownLatch(1);
    private volatile Ending ending = Ending.RETURN;
    private Path dir;
    private Transport transport;
    private Endpoint endpoint;

    /** Starts the daemon's transport of {@code kind}: a Unix socket in a temp dir, or TCP on a free loopback port. */
    public void listen(TransportKind kind) throws IOException {
        dir = Files.createTempDirectory(Path.of("/tmp"), "mcpd-bdd-");
        transport = kind == TransportKind.TCP
                ? new TcpTransport(new TcpListen("127.0.0.1", 0, TcpKeepalive.DEFAULTS, Optional.empty()))
                : new UnixSocketTransport(dir.resolve("daemon.sock"));
        endpoint = transport.start(this::handle);
    }

    private void handle(Connection connection) {
        accepted.incrementAndGet();
        try {
            release.await();
            connection.output().write("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}\n".getBytes(StandardCharsets.UTF_8));
            connection.output().flush();
            lastWrite.set(System.nanoTime());
        } catch (IOException e) {
            lastWrite.set(System.nanoTime());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (ending == Ending.FAIL) {
            throw new IllegalStateException("the handler failed after its last write (scenario)");
        }
    }

    /** Starts a peer process; {@code mode} is {@code never-reads} or {@code never-closes}. */
    public Process startPeer(String mode) throws IOException {
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process peer = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), PeerProcess.class.getName(),
                endpoint.toString(), mode).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        peers.add(peer);
        String line = new BufferedReader(new InputStreamReader(peer.getInputStream(), StandardCharsets.UTF_8)).readLine();
        if (!"connected".equals(line)) {
            throw new IllegalStateException("peer did not connect: " + line);
        }
        return peer;
    }

    /** Waits until {@code count} connections have reached the handler. */
    public void awaitAccepted(int count) {
        await("connections accepted").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(1))
                .untilAsserted(() -> assertThat(accepted.get()).as("connections accepted").isGreaterThanOrEqualTo(count));
    }

    public void freeze(Process peer) throws IOException, InterruptedException {
        signal(peer, "STOP");
    }

    public void handlerEnds(Ending how) {
        ending = how;
        release.countDown();
    }

    /** How long after the handler's last write the transport had no open connection. */
    public Duration closedAfterLastWrite(Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos() * 20;
        while (lastWrite.get() == 0 || transport.openConnections() > 0) {
            if (System.nanoTime() > deadline) {
                return Duration.ofNanos(Long.MAX_VALUE);
            }
            Thread.onSpinWait();
        }
        return Duration.ofNanos(System.nanoTime() - lastWrite.get());
    }

    /** Stops the server forcefully; returns how long the call took. */
    public Duration stopForcefully() {
        long begun = System.nanoTime();
        transport.requestForcefulStop();
        return Duration.ofNanos(System.nanoTime() - begun);
    }

    /** How long until no connection is open. */
    public Duration untilNoConnection(Duration limit) {
        long begun = System.nanoTime();
        long deadline = begun + limit.toNanos() * 20;
        while (transport.openConnections() > 0) {
            if (System.nanoTime() > deadline) {
                return Duration.ofNanos(Long.MAX_VALUE);
            }
            Thread.onSpinWait();
        }
        return Duration.ofNanos(System.nanoTime() - begun);
    }

    public int openConnections() {
        return transport.openConnections();
    }

    public List<Process> peers() {
        return peers;
    }

    public void cleanUp() throws IOException, InterruptedException {
        for (Process peer : peers) {
            signal(peer, "CONT");
            peer.destroyForcibly();
            peer.waitFor(5, TimeUnit.SECONDS);
        }
        release.countDown();
        if (transport != null) {
            transport.close();
        }
        if (dir != null) {
            try (var files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void signal(Process peer, String signal) throws IOException, InterruptedException {
        if (peer.isAlive()) {
            new ProcessBuilder("kill", "-" + signal, Long.toString(peer.pid())).start().waitFor();
        }
    }
}
