package dev.mcpd.application.jsonrpc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** {@link PendingRequests}: what a forwarded peer still owes (B-G3, B-M7, review finding 14). */
class PendingRequestsTest {

    private final PendingRequests pending = new PendingRequests();

    @Test
    @DisplayName("review finding 14: an answer is owed once; a second answer to the same id is not")
    void answerIsOwedOnce() {
        pending.sent(id(1), Map.of("id", 1));

        assertThat(pending.answered(id(1))).isTrue();
        assertThat(pending.answered(id(1))).isFalse();
        assertThat(pending.isEmpty()).isTrue();
    }

    @Test
    @DisplayName("B-W6 the string id \"1\" does not answer the number id 1")
    void stringDoesNotAnswerNumber() {
        pending.sent(id(1), Map.of("id", 1));

        assertThat(pending.answered(new RequestId.Text("1"))).isFalse();
        assertThat(pending.size()).isOne();
    }

    @Test
    @DisplayName("B-M7 a cancelled request is no longer pending; unknown ids are ignored")
    void cancelledIsForgotten() {
        pending.sent(id(1), Map.of("id", 1));
        pending.cancelled(id(9));
        pending.cancelled(id(1));

        assertThat(pending.isEmpty()).isTrue();
    }

    @Test
    @DisplayName("B-G3 a lost connection takes every pending request, oldest first")
    void drainTakesAllInOrder() {
        pending.sent(id(3), Map.of("id", 3));
        pending.sent(new RequestId.Text("a"), Map.of("id", "a"));
        pending.sent(id(1), Map.of("id", 1));

        assertThat(pending.drain()).containsExactly(Map.of("id", 3), Map.of("id", "a"), Map.of("id", 1));
        assertThat(pending.isEmpty()).isTrue();
    }

    private static RequestId id(int n) {
        return RequestId.of(n).orElseThrow();
    }
}
