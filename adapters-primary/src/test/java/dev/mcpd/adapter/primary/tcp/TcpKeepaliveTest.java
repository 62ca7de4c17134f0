package dev.mcpd.adapter.primary.tcp;

import static dev.mcpd.domain.testing.TestTime.millis;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mcpd.adapter.primary.connection.ClientSocketConnection;
import dev.mcpd.domain.model.Endpoint;
import dev.mcpd.domain.model.TcpKeepalive;
import dev.mcpd.domain.port.Connection;
import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import jdk.net.ExtendedSocketOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * B-T4 on real loopback connections: keepalive is on with 60 s / 10 s / 3 on both sides, as the kernel reports it
 * (getsockopt and {@code ss -tno}); and a peer that vanishes without a FIN or RST is detected by keepalive alone.
 *
 * <p>The vanished peer is made with an iptables rule dropping every packet to it on loopback. A SIGSTOPped peer
 * cannot stand in: its kernel still answers keepalive probes, so the connection is, rightly, alive. Where the test
 * may not change iptables (not root, no iptables), that test is skipped and says why.
 */
class TcpKeepaliveTest {

    private static final Logger log = LoggerFactory.getLogger(TcpKeepaliveTest.class);

    private TcpTransport transport;
    private String droppedPort;

    @AfterEach
    void cleanUp() throws Exception {
        if (droppedPort != null) {
            iptables("-D", "INPUT", "-i", "lo", "-p", "tcp", "--dport", droppedPort, "-j", "DROP");
        }
        if (transport != null) {
            transport.close();
        }
    }

    private Endpoint start(TcpKeepalive keepalive, BlockingQueue<TcpConnection> accepted, CountDownLatch ended)
            throws IOException {
        transport = new TcpTransport(new TcpListen("127.0.0.1", 0, keepalive, Optional.empty()));
        return transport.start(connection -> {
            accepted.add((TcpConnection) connection);
            try {
                connection.input().transferTo(java.io.OutputStream.nullOutputStream());
            } catch (IOException e) {
                // reset by keepalive: the handler ends, which is the point
            } finally {
                ended.countDown();
            }
        });
    }

    @Test
    void bothSidesHaveKeepalive60s10s3AsTheKernelReportsIt() throws Exception {
        BlockingQueue<TcpConnection> accepted = new LinkedBlockingQueue<>();
        Endpoint endpoint = start(TcpKeepalive.DEFAULTS, accepted, new CountDownLatch(1));
        TcpConnector connector = new TcpConnector(TcpKeepalive.DEFAULTS, Duration.ofSeconds(2));
        try (Connection client = connector.connect(endpoint)) {
            TcpConnection server = accepted.poll(5, TimeUnit.SECONDS);
            assertThat(server).isNotNull();
            assertThat(server.keepalive()).isEqualTo(new TcpConnection.KeepaliveReadback(true, 60, 10, 3));

            Socket socket = ((ClientSocketConnection) client).socket();
            assertThat(socket.getKeepAlive()).isTrue();
            assertThat(socket.getOption(ExtendedSocketOptions.TCP_KEEPIDLE)).isEqualTo(60);
            assertThat(socket.getOption(ExtendedSocketOptions.TCP_KEEPINTERVAL)).isEqualTo(10);
            assertThat(socket.getOption(ExtendedSocketOptions.TCP_KEEPCOUNT)).isEqualTo(3);

            // ss -tno: both ends of the connection carry a running keepalive timer of at most 60 s.
            String port = endpoint.address().substring(endpoint.address().lastIndexOf(':') + 1);
            List<String> lines = run("ss", "-tnoH", "state", "established", "( sport = :" + port + " or dport = :" + port + " )");
            log.info("ss -tno for port {}:\n{}", port, String.join("\n", lines));
            assertThat(lines).hasSize(2).allSatisfy(line -> assertThat(line).containsPattern("timer:\\(keepalive,([0-9.]+(ms|sec)|[0-5]?[0-9]min)"));
            assertThat(lines).allSatisfy(line -> assertThat(line).doesNotContain("keepalive,1min").doesNotContain("keepalive,2min"));
        }
    }

    @Test
    void aPeerThatVanishesWithoutAWordIsDetectedWithinTheKeepaliveWindow() throws Exception {
        assumeTrue(iptablesUsable(), "iptables cannot be changed here (needs root and the iptables package)");
        TcpKeepalive fast = new TcpKeepalive(Duration.ofSeconds(1), Duration.ofSeconds(1), 2);
        BlockingQueue<TcpConnection> accepted = new LinkedBlockingQueue<>();
        CountDownLatch ended = new CountDownLatch(1);
        Endpoint endpoint = start(fast, accepted, ended);
        String[] hostPort = endpoint.address().split(":");
        try (Socket peer = new Socket(hostPort[0], Integer.parseInt(hostPort[1]))) {
            peer.getOutputStream().write("hello\n".getBytes(UTF_8));
            assertThat(accepted.poll(5, TimeUnit.SECONDS)).isNotNull();
            // From now on nothing reaches the peer: it is gone as far as the server can tell, without FIN or RST.
            try {
                iptables("-I", "INPUT", "-i", "lo", "-p", "tcp", "--dport", Integer.toString(peer.getLocalPort()), "-j", "DROP");
            } catch (IOException e) {
                org.junit.jupiter.api.Assumptions.abort("iptables refused the DROP rule here: " + e.getMessage());
            }
            droppedPort = Integer.toString(peer.getLocalPort());
            long started = System.nanoTime();
            assertThat(ended.await(fast.detectionWindow().plus(millis(5000)).toMillis(), TimeUnit.MILLISECONDS))
                    .as("the handler ended once keepalive gave up on the peer").isTrue();
            Duration detected = Duration.ofNanos(System.nanoTime() - started);
            log.info("dead peer detected after {} ms (keepalive {}, window {} s)", detected.toMillis(), fast,
                    fast.detectionWindow().toSeconds());
            assertThat(detected).as("not before keepalive's idle time").isGreaterThanOrEqualTo(fast.idle());
        }
    }

    private static boolean iptablesUsable() {
        try {
            return new ProcessBuilder("iptables", "-L", "INPUT", "-n").redirectErrorStream(true).start().waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private static void iptables(String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("iptables"));
        command.addAll(List.of(args));
        List<String> out = run(command.toArray(String[]::new));
        log.debug("iptables {}: {}", List.of(args), out);
    }

    private static List<String> run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), UTF_8);
        if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException(List.of(command) + " failed: " + out);
        }
        return out.lines().filter(line -> !line.isBlank()).toList();
    }
}
