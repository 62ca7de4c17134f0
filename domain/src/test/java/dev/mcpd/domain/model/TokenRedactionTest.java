package dev.mcpd.domain.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Records that carry the TCP token never print it (B-T3; review finding 23). */
class TokenRedactionTest {

    private static final String TOKEN = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    @Test
    void daemonRecordToStringHidesTheToken() {
        DaemonRecord record = new DaemonRecord(new Pid(42, Instant.parse("2026-01-01T00:00:00Z")), "1.0", "user:1000",
                List.of(new Endpoint(TransportKind.TCP, "127.0.0.1:7777")), Instant.parse("2026-01-01T00:00:01Z"), TOKEN,
                List.of("an exit"));

        assertThat(record.toString()).doesNotContain(TOKEN).contains("token=<redacted>").contains("user:1000")
                .contains("127.0.0.1:7777").contains("an exit");
        assertThat(record.token()).isEqualTo(TOKEN);
    }

    @Test
    void clientHelloToStringHidesTheToken() {
        ClientHello hello = new ClientHello(7, 8L, Map.of("DOCKER_HOST", "unix:///run/docker.sock"), TOKEN);

        assertThat(hello.toString()).doesNotContain(TOKEN).contains("token=<redacted>").contains("pid=7")
                .contains("DOCKER_HOST");
        assertThat(hello.token()).isEqualTo(TOKEN);
    }

    @Test
    void aMissingTokenIsShownAsNull() {
        assertThat(new ClientHello(7, null, Map.of(), null).toString()).contains("token=null");
    }
}
