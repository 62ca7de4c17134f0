package dev.mcpd.application.daemon;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpd.application.daemon.HelloProtocol.Parsed;
import dev.mcpd.application.mcp.Json;
import dev.mcpd.application.wire.TestJsonCodec;
import dev.mcpd.domain.model.ClientHello;
import dev.mcpd.domain.model.DaemonHello;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HelloProtocolTest {

    private final TestJsonCodec codec = new TestJsonCodec();

    @Test
    @DisplayName("B-W2 the daemon hello has exactly mcpd, protocol, pid, scope, in that order")
    void daemonHelloHasItsShapeAndKeyOrder() {
        Map<String, Object> hello = HelloProtocol.daemonHello(new DaemonHello("0.1.0", 1, 4242, "user:1000"));

        assertThat(hello.keySet()).containsExactly("mcpd", "protocol", "pid", "scope");
        assertThat(new String(codec.write(hello), UTF_8))
                .isEqualTo("{\"mcpd\":\"0.1.0\",\"protocol\":1,\"pid\":4242,\"scope\":\"user:1000\"}");
    }

    @Test
    @DisplayName("B-W2 a daemon hello survives a round trip through the wire")
    void readsBackTheDaemonHello() {
        DaemonHello sent = new DaemonHello("0.1.0", DaemonHello.PROTOCOL, 4242, "project:/src/app");
        byte[] line = codec.write(HelloProtocol.daemonHello(sent));

        assertThat(HelloProtocol.readDaemonHello(codec.parse(line, 0, line.length))).isEqualTo(sent);
    }

    @Test
    @DisplayName("B-W2 a line that is not a daemon hello reads as null")
    void refusesWhatIsNotADaemonHello() {
        assertThat(HelloProtocol.readDaemonHello(parse("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}"))).isNull();
        assertThat(HelloProtocol.readDaemonHello(parse("{\"mcpd\":1,\"protocol\":1,\"pid\":2,\"scope\":\"s\"}"))).isNull();
        assertThat(HelloProtocol.readDaemonHello(parse("{\"mcpd\":\"0.1.0\",\"protocol\":1,\"pid\":2}"))).isNull();
        assertThat(HelloProtocol.readDaemonHello(parse("[1,2]"))).isNull();
        assertThat(HelloProtocol.readDaemonHello("mcpd")).isNull();
    }

    @Test
    @DisplayName("B-W3 a first line without mcpd_client is not a hello")
    void linesWithoutMcpdClientAreNotHellos() {
        assertThat(classify("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{}}")).isEqualTo(new Parsed.NotHello());
        assertThat(classify("{\"mcpd\":\"0.1.0\",\"pid\":12}")).isEqualTo(new Parsed.NotHello());
        assertThat(classify("[{\"mcpd_client\":1}]")).isEqualTo(new Parsed.NotHello());
        assertThat(classify("\"mcpd_client\"")).isEqualTo(new Parsed.NotHello());
    }

    @Test
    @DisplayName("B-W3 a long MCP request is still not a hello: the size limit applies to hellos only")
    void longLegacyRequestIsNotAHello() {
        String line = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"pad\":\"" + "x".repeat(10_000) + "\"}}";

        assertThat(classify(line)).isEqualTo(new Parsed.NotHello());
    }

    @Test
    @DisplayName("B-W3 a valid hello with env and an explicit null hostPid")
    void parsesAValidHello() {
        Parsed parsed = classify("{\"mcpd_client\":1,\"pid\":4242,\"hostPid\":null,"
                + "\"env\":{\"DOCKER_HOST\":\"unix:///run/podman.sock\",\"KUBECONFIG\":\"/k\"}}");

        assertThat(parsed).isInstanceOf(Parsed.Hello.class);
        ClientHello hello = ((Parsed.Hello) parsed).hello();
        assertThat(hello.pid()).isEqualTo(4242);
        assertThat(hello.hostPid()).isNull();
        assertThat(hello.token()).isNull();
        assertThat(hello.env()).containsExactly(Map.entry("DOCKER_HOST", "unix:///run/podman.sock"), Map.entry("KUBECONFIG", "/k"));
    }

    @Test
    @DisplayName("B-W3 a hello with hostPid and token, and one with no env at all")
    void parsesHostPidTokenAndMissingEnv() {
        Parsed full = classify("{\"mcpd_client\":1,\"pid\":7,\"hostPid\":8,\"env\":{},\"token\":\"abc\"}");
        Parsed bare = classify("{\"mcpd_client\":1,\"pid\":7}");

        assertThat(full).isEqualTo(new Parsed.Hello(new ClientHello(7, 8L, Map.of(), "abc")));
        assertThat(bare).isEqualTo(new Parsed.Hello(new ClientHello(7, null, Map.of(), null)));
    }

    @Test
    @DisplayName("B-W3 the client hello the proxy writes is read back as the same hello")
    void clientHelloRoundTrips() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("DOCKER_HOST", "tcp://127.0.0.1:2375");
        env.put("HOME", "/home/me");
        ClientHello sent = new ClientHello(4242, 4000L, env, null);
        byte[] line = codec.write(HelloProtocol.clientHello(sent));

        assertThat(HelloProtocol.clientHello(sent).keySet()).containsExactly("mcpd_client", "pid", "hostPid", "env");
        Parsed parsed = HelloProtocol.parseClientHello(codec.parse(line, 0, line.length), line.length);
        assertThat(parsed).isEqualTo(new Parsed.Hello(sent));
        assertThat(((Parsed.Hello) parsed).hello().env().keySet()).containsExactly("DOCKER_HOST", "HOME");
    }

    @ParameterizedTest(name = "B-W4 malformed: {0}")
    @ValueSource(strings = {
        "{\"mcpd_client\":2,\"pid\":12}",
        "{\"mcpd_client\":\"1\",\"pid\":12}",
        "{\"mcpd_client\":1.0,\"pid\":12}",
        "{\"mcpd_client\":null,\"pid\":12}",
        "{\"mcpd_client\":1}",
        "{\"mcpd_client\":1,\"pid\":0}",
        "{\"mcpd_client\":1,\"pid\":-1}",
        "{\"mcpd_client\":1,\"pid\":\"12\"}",
        "{\"mcpd_client\":1,\"pid\":1.5}",
        "{\"mcpd_client\":1,\"pid\":null}",
        "{\"mcpd_client\":1,\"pid\":123456789012345678901234567890}",
        "{\"mcpd_client\":1,\"pid\":12,\"hostPid\":\"x\"}",
        "{\"mcpd_client\":1,\"pid\":12,\"hostPid\":0}",
        "{\"mcpd_client\":1,\"pid\":12,\"env\":{\"A\":\"ok\",\"B\":1}}",
        "{\"mcpd_client\":1,\"pid\":12,\"env\":{\"A\":null}}",
        "{\"mcpd_client\":1,\"pid\":12,\"env\":[\"A=1\"]}",
        "{\"mcpd_client\":1,\"pid\":12,\"token\":42}",
    })
    void rejectsMalformedHellos(String line) {
        Parsed parsed = classify(line);

        assertThat(parsed).isInstanceOf(Parsed.Malformed.class);
        assertThat(((Parsed.Malformed) parsed).reason()).isNotBlank();
    }

    @Test
    @DisplayName("B-W4 a malformed hello's reason names what is wrong")
    void malformedReasonNamesTheProblem() {
        assertThat(reason("{\"mcpd_client\":2,\"pid\":12}")).contains("version").contains("2");
        assertThat(reason("{\"mcpd_client\":1,\"pid\":0}")).contains("pid");
        assertThat(reason("{\"mcpd_client\":1,\"pid\":12,\"hostPid\":\"x\"}")).contains("hostPid");
        assertThat(reason("{\"mcpd_client\":1,\"pid\":12,\"env\":{\"B\":1}}")).contains("env.B");
    }

    @Test
    @DisplayName("B-W4 a hello over 4096 bytes is malformed; one of exactly 4096 bytes is accepted")
    void refusesHellosOverFourKibibytes() {
        String prefix = "{\"mcpd_client\":1,\"pid\":12,\"env\":{\"PAD\":\"";
        String suffix = "\"}}";
        String exact = prefix + "x".repeat(HelloProtocol.MAX_HELLO_BYTES - prefix.length() - suffix.length()) + suffix;
        String over = prefix + "x".repeat(HelloProtocol.MAX_HELLO_BYTES + 1 - prefix.length() - suffix.length()) + suffix;

        assertThat(exact.getBytes(UTF_8)).hasSize(HelloProtocol.MAX_HELLO_BYTES);
        assertThat(classify(exact)).isInstanceOf(Parsed.Hello.class);
        assertThat(classify(over)).isInstanceOf(Parsed.Malformed.class);
        assertThat(reason(over)).contains("4096");
    }

    @Test
    @DisplayName("B-W4 integral pids of every JSON-shaped integer type are accepted")
    void acceptsIntegerLongAndBigIntegerPids() {
        for (Object pid : List.of(12, 12L, BigInteger.valueOf(12))) {
            Parsed parsed = HelloProtocol.parseClientHello(Json.object("mcpd_client", 1L, "pid", pid), 30);
            assertThat(parsed).as("pid as %s", pid.getClass().getSimpleName())
                    .isEqualTo(new Parsed.Hello(new ClientHello(12, null, Map.of(), null)));
        }
    }

    private Object parse(String line) {
        byte[] bytes = line.getBytes(UTF_8);
        return codec.parse(bytes, 0, bytes.length);
    }

    private Parsed classify(String line) {
        return HelloProtocol.parseClientHello(parse(line), line.getBytes(UTF_8).length);
    }

    private String reason(String line) {
        return ((Parsed.Malformed) classify(line)).reason();
    }
}
