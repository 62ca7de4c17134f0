package dev.mcpd.bdd;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mcpd.application.mcp.Json;
import dev.mcpd.domain.model.DaemonRecord;
import dev.mcpd.domain.model.Endpoint;
import dev.mcpd.domain.model.TransportKind;
import dev.mcpd.testing.McpdProcess;
import io.cucumber.java.After;
import io.cucumber.java.en.Given;
import io.cucumber.java.en.Then;
import io.cucumber.java.en.When;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Steps of {@code tcp_transport.feature}: a real daemon ({@code bin/mcpd daemon start} with
 * {@code MCPD_TCP_LISTEN=127.0.0.1:0}), a real proxy with {@code --connect}, raw TCP clients for the refusals.
 */
public class TcpSteps {

    private final ProxyWorld world = new ProxyWorld();
    private McpdProcess proxy;
    private Map<String, Object> status;
    private Socket client;
    private BufferedReader clientIn;
    private String refusal;

    @After("@transport-tcp")
    public void cleanUp() throws Exception {
        if (client != null) {
            client.close();
        }
        world.cleanUp();
    }

    @Given("a daemon listening on TCP on a free loopback port")
    public void daemonOnTcp() throws Exception {
        world.start();
        world.set("MCPD_TCP_LISTEN", "127.0.0.1:0");
        assertThat(world.mcpd("daemon", "start")).isZero();
        assertThat(tcpEndpoint().address()).startsWith("127.0.0.1:");
    }

    private DaemonRecord record() {
        return world.record().orElseThrow(() -> new AssertionError("no daemon.json"));
    }

    private Endpoint tcpEndpoint() {
        return record().endpoints().stream().filter(e -> e.kind() == TransportKind.TCP).findFirst()
                .orElseThrow(() -> new AssertionError("no tcp endpoint in daemon.json"));
    }

    @When("a host starts \"mcpd serve --mcp --connect\" with the daemon's daemon.json as its token file")
    public void proxyOverTcp() throws Exception {
        proxy = world.startProxy("--connect", tcpEndpoint().toString(), "--token-file",
                world.stateDir().resolve("daemon.json").toString());
        proxy.lines().initialize("bdd", Duration.ofSeconds(60));
        status = proxy.lines().daemonStatus(Duration.ofSeconds(30));
    }

    @Then("daemon_status answers from the daemon listening on TCP")
    public void answeredByTheTcpDaemon() {
        assertThat(((Number) status.get("pid")).longValue()).isEqualTo(record().pid().value());
    }

    @Then("the daemon lists that client on transport {string}")
    public void listedOnTransport(String transport) {
        List<?> clients = (List<?>) status.get("clients");
        assertThat(clients).anySatisfy(c -> {
            Map<String, Object> entry = Json.asObject(c);
            assertThat(entry.get("transport")).isEqualTo(transport);
            // a TCP peer has no kernel pid: its hello's pid is shown for display only, never watched (ADR 0011)
            assertThat(((Number) entry.get("reportedProxyPid")).longValue()).as("the proxy's pid, from its hello")
                    .isEqualTo(proxy.pid());
            assertThat(entry.get("proxyPid")).isNull();
        });
    }

    @Then("the kernel shows a keepalive timer on the daemon's side of the connection")
    public void keepaliveTimer() throws Exception {
        String port = tcpEndpoint().address().substring(tcpEndpoint().address().lastIndexOf(':') + 1);
        // While an answer is still unacknowledged the kernel shows its retransmission timer ("on") instead.
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            Process ss = new ProcessBuilder("ss", "-tnoH", "state", "established", "( sport = :" + port + " )")
                    .redirectErrorStream(true).start();
            String out = new String(ss.getInputStream().readAllBytes(), UTF_8);
            assertThat(ss.waitFor()).isZero();
            assertThat(out).as("ss -tno for the daemon's port %s", port).contains("timer:(keepalive,");
        });
    }

    @When("a client connects over TCP and sends a hello with a wrong token")
    public void wrongToken() throws Exception {
        String token = record().token();
        send("{\"mcpd_client\":1,\"pid\":" + ProcessHandle.current().pid() + ",\"token\":\""
                + (token.charAt(0) == 'a' ? 'b' : 'a') + token.substring(1) + "\"}");
    }

    @When("a client connects over TCP and sends a hello without a token")
    public void noToken() throws Exception {
        send("{\"mcpd_client\":1,\"pid\":" + ProcessHandle.current().pid() + "}");
    }

    @When("a client connects over TCP and sends an MCP request")
    public void noHello() throws Exception {
        send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}");
    }

    private void send(String firstLine) throws Exception {
        String[] hostPort = tcpEndpoint().address().split(":");
        client = new Socket(hostPort[0], Integer.parseInt(hostPort[1]));
        client.setSoTimeout(5_000);
        clientIn = new BufferedReader(new InputStreamReader(client.getInputStream(), UTF_8));
        assertThat(clientIn.readLine()).as("the daemon's hello comes first").contains("\"mcpd\"");
        client.getOutputStream().write((firstLine + "\n").getBytes(UTF_8));
        client.getOutputStream().flush();
    }

    @Then("it reads an error saying {string}")
    public void readsAnError(String reason) throws Exception {
        byte[] line = clientIn.readLine().getBytes(UTF_8);
        Map<String, Object> error = Json.asObject(Json.asObject(ProxyWorld.CODEC.parse(line, 0, line.length)).get("error"));
        refusal = String.valueOf(error.get("message"));
        assertThat(((Number) error.get("code")).intValue()).isEqualTo(-32600);
        assertThat(refusal).contains(reason).contains("--token-file");
    }

    @Then("the connection is closed at once")
    public void closedAtOnce() throws Exception {
        assertThat(clientIn.readLine()).isNull();
    }

    @Then("the daemon log names the refused client's address and not the token")
    public void logged() {
        String local = "127.0.0.1:" + client.getLocalPort();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            String log = Files.readString(world.stateDir().resolve("daemon.log"));
            assertThat(log).contains("refused the TCP client at " + local).doesNotContain(record().token());
        });
    }
}
