package dev.mcpd.adapter.secondary.container;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The API version chosen from what {@code GET /version} reports (B-B1); no runtime needed. */
class ApiVersionNegotiationTest {

    @Test
    void choosesTheLowerApiVersionWithinTheRuntimesRange() {
        assertThat(ApiVersionNegotiation.chooseApiVersion("1.41", "1.24").getVersion()).isEqualTo("1.41");
        assertThat(ApiVersionNegotiation.chooseApiVersion("1.51", "1.24").getVersion()).isEqualTo("1.44");
        assertThat(ApiVersionNegotiation.chooseApiVersion("1.52", "1.44").getVersion()).isEqualTo("1.44");
        assertThat(ApiVersionNegotiation.chooseApiVersion("1.60", "1.50").getVersion()).isEqualTo("1.50");
    }
}
