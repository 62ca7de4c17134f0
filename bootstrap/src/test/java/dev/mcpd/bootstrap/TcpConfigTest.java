package dev.mcpd.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcpd.domain.error.ConfigurationException;
import dev.mcpd.domain.model.TcpKeepalive;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code MCPD_TCP_*} (B-T3, B-T4, B-X2). */
class TcpConfigTest {

    private static McpdConfig config(String... keyValues) {
        Map<String, String> env = new HashMap<>(Map.of("MCPD_STATE_DIR", "/tmp/x"));
        for (int i = 0; i < keyValues.length; i += 2) {
            env.put(keyValues[i], keyValues[i + 1]);
        }
        return McpdConfig.fromEnvironment(env);
    }

    @Test
    void offByDefaultWithTokenAuthAndKeepalive60s10s3() {
        TcpConfig tcp = config().tcp();
        assertThat(tcp.listen()).isEmpty();
        assertThat(tcp.keepalive()).isEqualTo(TcpKeepalive.DEFAULTS);
        assertThat(tcp.keepalive().detectionWindow()).isEqualTo(Duration.ofSeconds(90));
        assertThat(tcp.token()).isEmpty();
    }

    @Test
    void readsListenKeepaliveAndTheProxysToken() {
        TcpConfig tcp = config("MCPD_TCP_LISTEN", "127.0.0.1:0", "MCPD_TCP_KEEPALIVE", "30s/5s/4",
                "MCPD_TCP_TOKEN", "ab".repeat(32)).tcp();
        assertThat(tcp.listen()).hasValueSatisfying(listen -> {
            assertThat(listen.host()).isEqualTo("127.0.0.1");
            assertThat(listen.port()).isZero();
            assertThat(listen.isLoopbackOnly()).isTrue();
        });
        assertThat(tcp.keepalive()).isEqualTo(new TcpKeepalive(Duration.ofSeconds(30), Duration.ofSeconds(5), 4));
        assertThat(tcp.token()).hasValueSatisfying(token -> assertThat(token.matches("ab".repeat(32))).isTrue());
    }

    /** Review finding 11: {@code none} let every local user drive the daemon over loopback; it is gone (ADR 0011). */
    @Test
    void tokenAuthCannotBeTurnedOffEvenOnLoopback() {
        for (String bind : new String[] {"127.0.0.1:7000", "[::1]:7000", "0.0.0.0:7000"}) {
            assertThatThrownBy(() -> config("MCPD_TCP_LISTEN", bind, "MCPD_TCP_AUTH", "none"))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("MCPD_TCP_AUTH=none is no longer accepted").hasMessageContaining("ADR 0011");
        }
        assertThat(config("MCPD_TCP_LISTEN", "127.0.0.1:7000", "MCPD_TCP_AUTH", "token").tcp().listen()).isPresent();
    }

    @Test
    void reportsEveryTcpProblemAtOnce() {
        assertThatThrownBy(() -> config("MCPD_TCP_LISTEN", "nowhere", "MCPD_TCP_AUTH", "maybe",
                "MCPD_TCP_KEEPALIVE", "60s/10s", "MCPD_TCP_TLS_CERT", "/no/such/cert.pem", "MCPD_TCP_TOKEN", "short"))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> {
                    assertThat(e.problems()).hasSize(5);
                    assertThat(e.getMessage()).contains("MCPD_TCP_LISTEN").contains("HOST:PORT")
                            .contains("MCPD_TCP_AUTH='maybe'").contains("MCPD_TCP_KEEPALIVE='60s/10s'")
                            .contains("go together").contains("MCPD_TCP_TOKEN").doesNotContain("short");
                });
    }
}
