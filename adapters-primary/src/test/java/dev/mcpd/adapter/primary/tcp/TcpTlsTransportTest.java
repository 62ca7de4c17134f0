package dev.mcpd.adapter.primary.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcpd.domain.contract.TransportContract;
import dev.mcpd.domain.model.Endpoint;
import dev.mcpd.domain.model.TcpKeepalive;
import dev.mcpd.domain.port.Connection;
import dev.mcpd.domain.port.Transport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The TCP transport serving TLS (B-T3: optional, when a certificate is configured) against the transport contract,
 * with a self-signed certificate for 127.0.0.1 made by {@code openssl} and the proxy's connector trusting exactly it.
 */
class TcpTlsTransportTest extends TransportContract {

    private static Path certs;

    @BeforeAll
    static void selfSignedCertificates() throws Exception {
        certs = Files.createTempDirectory("mcpd-tls");
        openssl(certs, "daemon");
        openssl(certs, "stranger");
    }

    /** {@code <name>.pem} and {@code <name>.key}: a self-signed certificate for 127.0.0.1 and its key. */
    private static void openssl(Path dir, String name) throws Exception {
        Process process = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj", "/CN=mcpd test",
                "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", dir.resolve(name + ".key").toString(),
                "-out", dir.resolve(name + ".pem").toString()).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0).as(out).isTrue();
    }

    private static TcpConnector trusting(String name) throws IOException {
        return new TcpConnector(TcpKeepalive.DEFAULTS, Duration.ofSeconds(5),
                Optional.of(TlsTrust.fromPem(certs.resolve(name + ".pem"))));
    }

    @Override
    protected Transport newTransport(Path dir) {
        return new TcpTransport(new TcpListen("127.0.0.1", 0, TcpKeepalive.DEFAULTS, Optional.of(
                new TcpListen.Tls(certs.resolve("daemon.pem"), certs.resolve("daemon.key")))));
    }

    @Override
    protected Peer connect(Endpoint endpoint) throws IOException {
        Connection connection = trusting("daemon").connect(endpoint);
        return new Peer(connection.input(), connection.output(), connection);
    }

    @Override
    protected List<String> pooledThreadPrefixes() {
        return List.of("vertx-blocked-thread-checker");
    }

    @Test
    void aClientTrustingAnotherCertificateIsRefusedInTheHandshake() throws Exception {
        Endpoint endpoint = transport.start(TransportContract::echoLines);
        assertThatThrownBy(() -> trusting("stranger").connect(endpoint)).isInstanceOf(SSLException.class);
        assertThat(connectsAndIsServed(endpoint)).as("a trusting client still gets in").isTrue();
    }

    @Test
    void aPlainTextClientGetsNothingServed() throws Exception {
        Endpoint endpoint = transport.start(TransportContract::echoLines);
        try (Connection plain = new TcpConnector(TcpKeepalive.DEFAULTS, Duration.ofSeconds(2)).connect(endpoint)) {
            plain.output().write("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}\n".getBytes());
            plain.output().flush();
            byte[] answer = plain.input().readNBytes(64);
            assertThat(new String(answer)).doesNotContain("ping");
        }
    }
}
