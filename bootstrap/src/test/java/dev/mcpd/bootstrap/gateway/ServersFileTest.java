package dev.mcpd.bootstrap.gateway;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcpd.adapter.primary.wire.JacksonJsonCodec;
import dev.mcpd.domain.error.ConfigurationException;
import dev.mcpd.domain.model.gateway.ServerConfig;
import dev.mcpd.domain.model.gateway.SharingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code servers.json}: Claude Desktop's block unchanged, mcpd's keys beside it, every problem at once (B-X2). */
class ServersFileTest {

    private static final JacksonJsonCodec CODEC = new JacksonJsonCodec();

    @TempDir
    Path dir;

    private List<ServerConfig> parse(String json) {
        byte[] bytes = json.getBytes(UTF_8);
        return ServersFile.parse(CODEC.parse(bytes, 0, bytes.length), "servers.json");
    }

    private List<String> problems(String json) {
        try {
            parse(json);
        } catch (ConfigurationException e) {
            return e.problems();
        }
        throw new AssertionError("no ConfigurationException for " + json);
    }

    @Test
    void aClaudeDesktopConfigLoadsUnchanged() {
        List<ServerConfig> servers = parse("""
                {
                  "mcpServers": {
                    "filesystem": {
                      "command": "npx",
                      "args": ["-y", "@modelcontextprotocol/server-filesystem", "/Users/me/Desktop", "/Users/me/Downloads"]
                    },
                    "github": {
                      "command": "npx",
                      "args": ["-y", "@modelcontextprotocol/server-github"],
                      "env": {"GITHUB_PERSONAL_ACCESS_TOKEN": "<token>"}
                    }
                  }
                }
                """);

        assertThat(servers).extracting(ServerConfig::name).containsExactly("filesystem", "github");
        ServerConfig fs = servers.getFirst();
        assertThat(fs.command()).isEqualTo("npx");
        assertThat(fs.args()).containsExactly("-y", "@modelcontextprotocol/server-filesystem", "/Users/me/Desktop",
                "/Users/me/Downloads");
        assertThat(fs.env()).isEmpty();
        assertThat(fs.cwd()).isEmpty();
        assertThat(fs.disabled()).isFalse();
        assertThat(fs.mode()).isEqualTo(SharingMode.SHARED);
        assertThat(fs.idleTimeout()).isEqualTo(ServerConfig.DEFAULT_IDLE_TIMEOUT);
        assertThat(fs.startTimeout()).isEqualTo(ServerConfig.DEFAULT_START_TIMEOUT);
        assertThat(servers.get(1).env()).containsExactly(Map.entry("GITHUB_PERSONAL_ACCESS_TOKEN", "<token>"));
    }

    @Test
    void mcpdsOwnKeysSitBesideClaudeDesktopsOnes() {
        ServerConfig server = parse("""
                {"mcpServers": {"browser": {"command": "/opt/browser-mcp", "type": "stdio", "cwd": "/srv/browser",
                  "disabled": true, "mode": "perSession", "idleTimeout": "5m", "startTimeout": "90s",
                  "forwardEnv": ["DISPLAY", "BROWSER_PROFILE"]}}}
                """).getFirst();

        assertThat(server.cwd()).isEqualTo(Optional.of(Path.of("/srv/browser")));
        assertThat(server.disabled()).isTrue();
        assertThat(server.mode()).isEqualTo(SharingMode.PER_SESSION);
        assertThat(server.idleTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(server.startTimeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(server.forwardEnv()).containsExactly("DISPLAY", "BROWSER_PROFILE");
    }

    @Test
    @DisplayName("B-X2 every problem of the file is reported at once, each naming its key and what it accepts")
    void everyProblemIsReportedAtOnce() {
        List<String> problems = problems("""
                {"servers": {},
                 "mcpServers": {
                   "a": {"comand": "npx"},
                   "b": {"command": "npx", "args": "-y server", "env": {"PORT": 8080, "MCPD_TCP_TOKEN": "x"}, "cwd": "work",
                         "mode": "exclusive", "idleTimeout": "soon", "startTimeout": "0",
                         "forwardEnv": ["MCPD_STATE_DIR", "1BAD"], "disabled": "no"},
                   "c": "npx server"
                 }}
                """);

        assertThat(problems).containsExactlyInAnyOrder(
                "servers.json: servers: unknown key; known: mcpServers, $schema",
                "servers.json: mcpServers.a.comand: unknown key (did you mean \"command\"?); known: "
                        + String.join(", ", ServersFile.SERVER_KEYS),
                "servers.json: mcpServers.a.command: required, the program to start (e.g. \"npx\")",
                "servers.json: mcpServers.b.args: must be an array of strings",
                "servers.json: mcpServers.b.env.PORT: must be a string (quote numbers and booleans)",
                "servers.json: mcpServers.b.env.MCPD_TCP_TOKEN: MCPD_* variables are mcpd's own and never reach a"
                        + " server",
                "servers.json: mcpServers.b.cwd: must be an absolute path (hosts start from different directories;"
                        + " ~ is not expanded), got \"work\"",
                "servers.json: mcpServers.b.disabled: must be true or false",
                "servers.json: mcpServers.b.mode: \"exclusive\" is not a mode; use \"shared\" or \"perSession\"",
                "servers.json: mcpServers.b.idleTimeout: 'soon' is not a duration (use 500ms, 30s, 5m, 1h or PT30S)",
                "servers.json: mcpServers.b.startTimeout: must be positive, got \"0\"",
                "servers.json: mcpServers.b.forwardEnv: MCPD_STATE_DIR is mcpd's own; MCPD_* variables never reach a"
                        + " server",
                "servers.json: mcpServers.b.forwardEnv: \"1BAD\" is not a variable name",
                "servers.json: mcpServers.c: must be an object with at least \"command\"");
    }

    @Test
    void aRemoteServerIsRefusedWithWhatToDoInstead() {
        List<String> problems = problems("""
                {"mcpServers": {"docs": {"url": "https://example.com/mcp"},
                                "api": {"type": "http", "command": "x"}}}
                """);

        assertThat(problems).hasSize(2).allSatisfy(p -> assertThat(p)
                .contains("is a remote server").contains("connect your host to the remote server directly"));
    }

    @Test
    void aMissingFileIsNoServersAndABrokenOneNamesTheFile() throws Exception {
        assertThat(ServersFile.load(dir.resolve("absent.json"), CODEC)).isEmpty();

        Path broken = Files.writeString(dir.resolve("servers.json"), "{\"mcpServers\": {");
        assertThatThrownBy(() -> ServersFile.load(broken, CODEC)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(broken + ": not valid JSON");

        Path list = Files.writeString(dir.resolve("list.json"), "[]");
        assertThatThrownBy(() -> ServersFile.load(list, CODEC)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("must be a JSON object with an \"mcpServers\" object");
    }

    @Test
    void anEmptyFileObjectConfiguresNothing() {
        assertThat(parse("{}")).isEmpty();
        assertThat(parse("{\"$schema\": \"x\", \"mcpServers\": {}}")).isEmpty();
    }
}
