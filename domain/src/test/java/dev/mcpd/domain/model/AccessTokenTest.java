package dev.mcpd.domain.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** B-T3: 256-bit tokens, constant-time comparison, never printed. */
class AccessTokenTest {

    private final SecureRandom random = new SecureRandom();

    @Test
    void aGeneratedTokenIs256BitsAsHexAndDiffersEachTime() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            String text = AccessToken.generate(random).text();
            assertThat(text).matches("[0-9a-f]{64}");
            assertThat(seen.add(text)).isTrue();
        }
    }

    @Test
    void matchesItselfOnlyIgnoringCaseAndSurroundingWhitespace() {
        AccessToken token = AccessToken.generate(random);
        assertThat(token.matches(token.text())).isTrue();
        assertThat(token.matches(" " + token.text().toUpperCase() + "\n")).isTrue();
        char last = token.text().charAt(63);
        assertThat(token.matches(token.text().substring(0, 63) + (last == '0' ? '1' : '0'))).isFalse();
        assertThat(token.matches(token.text().substring(0, 63))).isFalse();
        assertThat(token.matches("")).isFalse();
        assertThat(token.matches(null)).isFalse();
        assertThat(AccessToken.parse(token.text())).isEqualTo(token);
    }

    @Test
    void neverShowsTheSecret() {
        AccessToken token = AccessToken.generate(random);
        assertThat(token.toString()).doesNotContain(token.text()).contains("redacted");
        assertThatThrownBy(() -> AccessToken.parse("not-a-token-but-a-secret-someone-pasted"))
                .hasMessageContaining("64 hex digits").hasMessageNotContaining("someone");
    }
}
