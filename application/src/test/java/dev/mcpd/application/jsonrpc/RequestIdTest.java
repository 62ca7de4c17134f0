package dev.mcpd.application.jsonrpc;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** {@link RequestId}: string or integral number, compared by JSON value (B-W6). */
class RequestIdTest {

    @Test
    @DisplayName("B-W6 the string \"1\" and the number 1 are different ids")
    void stringAndNumberNeverEqual() {
        assertThat(RequestId.of("1")).isNotEqualTo(RequestId.of(1));
        assertThat(RequestId.of("1").orElseThrow()).isInstanceOf(RequestId.Text.class);
        assertThat(RequestId.of(1).orElseThrow()).isInstanceOf(RequestId.Number.class);
    }

    @Test
    @DisplayName("B-W6 1 read as Integer, Long or BigInteger is one id, with one hash")
    void numberTypesAreOneId() {
        RequestId asInt = RequestId.of(1).orElseThrow();
        RequestId asLong = RequestId.of(1L).orElseThrow();
        RequestId asBig = RequestId.of(BigInteger.ONE).orElseThrow();

        assertThat(asInt).isEqualTo(asLong).isEqualTo(asBig);
        assertThat(asInt.hashCode()).isEqualTo(asLong.hashCode()).isEqualTo(asBig.hashCode());
    }

    @Test
    @DisplayName("json() gives the value to echo: the string, or the smallest integer type holding the number")
    void jsonEchoesTheValue() {
        assertThat(RequestId.of("abc").orElseThrow().json()).isEqualTo("abc");
        assertThat(RequestId.of(7L).orElseThrow().json()).isEqualTo(7);
        assertThat(RequestId.of(5_000_000_000L).orElseThrow().json()).isEqualTo(5_000_000_000L);
        BigInteger huge = BigInteger.TWO.pow(70);
        assertThat(RequestId.of(huge).orElseThrow().json()).isEqualTo(huge);
        assertThat(RequestId.of(-3).orElseThrow().json()).isEqualTo(-3);
    }

    @Test
    @DisplayName("JSON-RPC 2.0 §4: null, fractions, booleans, arrays and objects are not ids")
    void otherValuesAreNotIds() {
        for (Object notAnId : new Object[] {null, 1.5, 2.0, true, List.of(1), Map.of("a", 1)}) {
            assertThat(RequestId.of(notAnId)).as("%s", notAnId).isEmpty();
            assertThat(RequestId.isValid(notAnId)).as("%s", notAnId).isFalse();
        }
        assertThat(RequestId.isValid("")).isTrue();
        assertThat(RequestId.isValid(0)).isTrue();
    }
}
