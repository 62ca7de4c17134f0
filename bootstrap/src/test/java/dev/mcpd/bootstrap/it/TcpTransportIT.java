package dev.mcpd.bootstrap.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpd.testing.McpdProcess;
import dev.mcpd.testing.McpdScope;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The TCP transport end to end (B-T3, B-T4): a real daemon started with {@code MCPD_TCP_LISTEN}, proxies started
 * with {@code --connect tcp://…} from another state dir (so nothing local can answer), the npm MCP Inspector as a
 * real client, and raw sockets for the refusals.
 */
class TcpTransportIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    private McpdScope daemon;
    private McpdScope elsewhere;

    @BeforeEach
    void startDaemonListeningOnTcp() throws Exception {
        daemon = ItScope.create().env("MCPD_TCP_LISTEN", "127.0.0.1:0");
        elsewhere = ItScope.create();
        McpdScope.Result started = daemon.run(Duration.ofSeconds(60), "daemon", "start");
        assertThat(started.exitCode()).as(started.stderr()).isZero();
    }

    @AfterEach
    void stop() throws Exception {
        elsewhere.close();
        daemon.close();
    }

    private JsonNode record() throws Exception {
        return JSON.readTree(daemon.stateDir().resolve("daemon.json").toFile());
    }

    private String tcpEndpoint() throws Exception {
        for (JsonNode endpoint : record().path("endpoints")) {
            if (endpoint.asText().startsWith("tcp://")) {
                return endpoint.asText();
            }
        }
        throw new AssertionError("no tcp endpoint in " + record());
    }

    @Test
    void theRecordAnnouncesTheTcpEndpointAndA256BitTokenReadableByTheUserOnly() throws Exception {
        assertThat(tcpEndpoint()).matches("tcp://127\\.0\\.0\\.1:[1-9][0-9]*");
        assertThat(record().path("token").asText()).matches("[0-9a-f]{64}");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(daemon.stateDir().resolve("daemon.json"))))
                .isEqualTo("rw-------");
    }

    @Test
    void aProxyReachesTheDaemonOverTcpWithTheTokenFromItsRecord() throws Exception {
        try (McpdProcess session = elsewhere.serve("--connect", tcpEndpoint(),
                "--token-file", daemon.stateDir().resolve("daemon.json").toString())) {
            session.lines().initialize(ItScope.CLIENT, ItScope.INITIALIZE);
            Map<String, Object> status = session.lines().daemonStatus(ItScope.STATUS);
            assertThat(((Number) status.get("pid")).longValue()).as("served by the TCP daemon, not in-process")
                    .isEqualTo(daemon.recordedDaemonPid().orElseThrow());
            List<?> clients = (List<?>) status.get("clients");
            assertThat(clients).anySatisfy(c -> assertThat(((Map<?, ?>) c).get("transport")).isEqualTo("tcp"));
            List<?> transports = (List<?>) status.get("transports");
            assertThat(transports).anySatisfy(t -> {
                assertThat(((Map<?, ?>) t).get("kind")).isEqualTo("tcp");
                assertThat(((Map<?, ?>) t).get("endpoint")).isEqualTo(tcpEndpoint());
            });
        }
        assertThat(elsewhere.stateDir().resolve("daemon.json")).as("no daemon launched in the proxy's own scope")
                .doesNotExist();
    }

    @Test
    void theInspectorCliCallsAToolOverTcpWithTheTokenFromTheEnvironment() throws Exception {
        Map<String, String> env = Map.of("MCPD_STATE_DIR", elsewhere.stateDir().toString(),
                "MCPD_TCP_TOKEN", record().path("token").asText());
        NodeClients.Run run = NodeClients.run(NodeClients.inspector(env, List.of("--method", "tools/call",
                "--tool-name", "diag_echo", "--tool-arg", "text=over tcp"), "--connect", tcpEndpoint()),
                elsewhere.environment());
        assertThat(run.exitCode()).as(run.stdout() + run.stderr()).isZero();
        String out = run.stdout();
        assertThat(JSON.readTree(out).path("structuredContent").path("text").asText()).isEqualTo("over tcp");
    }

    @Test
    void aWrongOrMissingTokenOrNoHelloIsRefusedWithAReasonAndLogged() throws Exception {
        String token = record().path("token").asText();
        String wrong = (token.charAt(0) == 'a' ? "b" : "a") + token.substring(1);
        assertThat(refusal("{\"mcpd_client\":1,\"pid\":" + ProcessHandle.current().pid() + ",\"token\":\"" + wrong + "\"}"))
                .contains("wrong token");
        assertThat(refusal("{\"mcpd_client\":1,\"pid\":" + ProcessHandle.current().pid() + "}")).contains("no token");
        assertThat(refusal("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}")).contains("not a client hello");
        String log = Files.readString(daemon.stateDir().resolve("daemon.log"));
        assertThat(log.lines().filter(line -> line.contains("refused the TCP client at 127.0.0.1:"))).hasSize(3);
        assertThat(log).doesNotContain(token).doesNotContain(wrong);
    }

    /** Sends {@code firstLine} after the daemon's hello; returns the error the daemon answered, after checking EOF. */
    private String refusal(String firstLine) throws Exception {
        String[] hostPort = tcpEndpoint().substring("tcp://".length()).split(":");
        try (Socket socket = new Socket(hostPort[0], Integer.parseInt(hostPort[1]))) {
            socket.setSoTimeout(5_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), UTF_8));
            assertThat(in.readLine()).contains("\"mcpd\"");
            OutputStream out = socket.getOutputStream();
            out.write((firstLine + "\n").getBytes(UTF_8));
            out.flush();
            JsonNode error = JSON.readTree(in.readLine()).path("error");
            assertThat(error.path("code").asInt()).isEqualTo(-32600);
            assertThat(in.readLine()).as("closed at once after the refusal").isNull();
            return error.path("message").asText();
        }
    }

    @Test
    void aProxyTrustingTheDaemonsCertificateTalksTlsToIt() throws Exception {
        Path certs = Files.createTempDirectory("mcpd-it-tls");
        Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj", "/CN=mcpd it",
                "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", certs.resolve("key.pem").toString(),
                "-out", certs.resolve("cert.pem").toString()).redirectErrorStream(true).start();
        openssl.getInputStream().readAllBytes();
        assertThat(openssl.waitFor()).isZero();
        try (McpdScope tlsDaemon = ItScope.create().env("MCPD_TCP_LISTEN", "127.0.0.1:0")
                .env("MCPD_TCP_TLS_CERT", certs.resolve("cert.pem").toString())
                .env("MCPD_TCP_TLS_KEY", certs.resolve("key.pem").toString())) {
            assertThat(tlsDaemon.run(Duration.ofSeconds(60), "daemon", "start").exitCode()).isZero();
            JsonNode tlsRecord = JSON.readTree(tlsDaemon.stateDir().resolve("daemon.json").toFile());
            String endpoint = tlsRecord.path("endpoints").get(1).asText();
            assertThat(endpoint).startsWith("tcp://");
            elsewhere.env("MCPD_TCP_TLS_CA", certs.resolve("cert.pem").toString())
                    .env("MCPD_TCP_TOKEN", tlsRecord.path("token").asText());
            try (McpdProcess session = elsewhere.serve("--connect", endpoint)) {
                session.lines().initialize(ItScope.CLIENT, ItScope.INITIALIZE);
                assertThat(((Number) session.lines().daemonStatus(ItScope.STATUS).get("pid")).longValue())
                        .isEqualTo(tlsDaemon.recordedDaemonPid().orElseThrow());
            }
        }
    }

    @Test
    void doctorListsEachTransportWithItsEndpoint() throws Exception {
        McpdScope.Result doctor = daemon.run(Duration.ofSeconds(60), "doctor");
        assertThat(doctor.stdout()).containsPattern("listening unix.*" + Pattern.quote(
                daemon.stateDir().resolve("daemon.sock").toString()));
        assertThat(doctor.stdout()).containsPattern("listening tcp.*" + Pattern.quote(tcpEndpoint()));
    }

    @Test
    void tcpWithoutTokenAuthIsRefusedAtStartupEvenOnLoopback() throws Exception { // review finding 11, ADR 0011
        McpdScope.Result run = elsewhere.env("MCPD_TCP_LISTEN", "127.0.0.1:0").env("MCPD_TCP_AUTH", "none")
                .run(Duration.ofSeconds(30), "daemon", "run");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.stderr()).contains("MCPD_TCP_AUTH=none is no longer accepted");
        assertThat(elsewhere.stateDir().resolve("daemon.json")).doesNotExist();
    }
}
