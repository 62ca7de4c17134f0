package dev.mcpd.testing.json;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcpd.domain.error.MalformedMessageException;
import dev.mcpd.domain.port.JsonCodec;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The contract every {@link JsonCodec} passes, so that the application's tests, which run on a test codec, see what
 * production's codec does: the same values for the same text (key order, number types by size, escapes), the same
 * {@link MalformedMessageException} for the same bad input whatever the bytes (B-X1), nesting and number length
 * bounded, and written JSON compact with no raw line break (B-W1).
 */
public abstract class JsonCodecContract {

    protected JsonCodec codec;

    protected abstract JsonCodec newCodec();

    /** The deepest nesting the codec accepts. */
    protected abstract int maxDepth();

    /** The longest number the codec accepts, in characters. */
    protected abstract int maxNumberLength();

    @BeforeEach
    void create() {
        codec = newCodec();
    }

    private Object parse(String text) {
        byte[] bytes = text.getBytes(UTF_8);
        return codec.parse(bytes, 0, bytes.length);
    }

    private String write(Object value) {
        return new String(codec.write(value), UTF_8);
    }

    // ---- values ----

    @Test
    void objectsKeepTheirKeyOrder() {
        @SuppressWarnings("unchecked")
        Map<String, Object> object = (Map<String, Object>) parse("{\"b\":1,\"a\":2,\"c\":{\"z\":1,\"y\":2}}");

        assertThat(object.keySet()).containsExactly("b", "a", "c");
        assertThat(write(object)).isEqualTo("{\"b\":1,\"a\":2,\"c\":{\"z\":1,\"y\":2}}");
    }

    @Test
    void integersBecomeIntegerLongOrBigIntegerBySize() {
        assertThat(parse("2147483647")).isEqualTo(Integer.MAX_VALUE);
        assertThat(parse("2147483648")).isEqualTo(2147483648L);
        assertThat(parse("9223372036854775808")).isEqualTo(new BigInteger("9223372036854775808"));
        assertThat(parse("-0")).isEqualTo(0);
    }

    @Test
    void fractionsBecomeDoublesAndANumberBeyondDoubleKeepsItsValue() { // B-X1: neither a crash nor Infinity
        assertThat(parse("1.5")).isEqualTo(1.5d);
        assertThat(parse("1e2")).isEqualTo(100.0d);
        assertThat(parse("1e400")).isEqualTo(new BigDecimal("1e400"));
        assertThat(write(parse("[1e400]"))).isEqualTo("[1E+400]");
    }

    @Test
    void scalarsArraysAndEscapedStringsDecode() {
        assertThat(parse("[true,false,null,\"\\u00e9\\n\\t\\\"\\\\\\/\",\"\u20ac\"]"))
                .isEqualTo(Arrays.asList(true, false, null, "\u00e9\n\t\"\\/", "\u20ac"));
        assertThat(parse("\"\\ud83d\\ude00\"")).isEqualTo("\uD83D\uDE00");
        assertThat(parse(" \t\r\n{}\n ")).isEqualTo(Map.of());
    }

    @Test
    void parsesOnlyTheGivenSliceOfTheBuffer() {
        byte[] buffer = "garbage{\"id\":1}garbage".getBytes(UTF_8);

        assertThat(codec.parse(buffer, 7, 8)).isEqualTo(Map.of("id", 1));
    }

    // ---- bounds ----

    @Test
    void nestingIsBoundedAndTenThousandDeepIsMalformedNotAStackOverflow() {
        int depth = maxDepth();
        assertThat(parse("[".repeat(depth) + "]".repeat(depth))).isInstanceOf(List.class);
        assertThatThrownBy(() -> parse("[".repeat(depth + 1) + "]".repeat(depth + 1)))
                .isInstanceOf(MalformedMessageException.class);
        assertThatThrownBy(() -> parse("{\"a\":".repeat(10_000))).isInstanceOf(MalformedMessageException.class);
        assertThatThrownBy(() -> parse("[".repeat(10_000) + "]".repeat(10_000)))
                .isInstanceOf(MalformedMessageException.class);
    }

    @Test
    void numbersAreBoundedInLength() {
        String digits = "9".repeat(2000);
        assertThatThrownBy(() -> parse(digits)).isInstanceOf(MalformedMessageException.class);
        assertThatThrownBy(() -> parse("{\"id\":0." + digits + "}")).isInstanceOf(MalformedMessageException.class);
        assertThat(parse("1" + "0".repeat(maxNumberLength() - 1))).isInstanceOf(BigInteger.class);
    }

    // ---- malformed input: one exception type, whatever the bytes (B-X1) ----

    @ParameterizedTest(name = "[{index}] <{0}>")
    @ValueSource(strings = {"", "   ", "{", "[1,]", "{\"a\":1} x", "{\"a\":1}{}", "nope", "'a'", "{a:1}", "[1 2]",
        "{\"a\":1,\"a\":2}", "\"unterminated", "\"raw \t tab\"", "NaN", "01"})
    void badTextIsMalformed(String text) {
        assertThatThrownBy(() -> parse(text)).isInstanceOf(MalformedMessageException.class);
    }

    @ParameterizedTest(name = "[{index}] <{0}>")
    @ValueSource(strings = {
        "22 80 22",             // a continuation byte where a character starts
        "22 ff 22",             // never valid in UTF-8
        "22 c3",                // truncated at the end of the text
        "22 c0 a2 22",          // overlong quote
        "22 ed a0 80 22",       // a UTF-16 surrogate encoded as UTF-8
        "00 7b 00 7d",          // UTF-16 big-endian "{}"
        "7b 7d 00",             // a NUL byte after the value
        "22 61 00 62 22",       // a NUL byte inside a string
    })
    void badBytesAreMalformed(String hex) {
        byte[] bytes = HexFormat.ofDelimiter(" ").parseHex(hex);
        assertThatThrownBy(() -> codec.parse(bytes, 0, bytes.length)).isInstanceOf(MalformedMessageException.class);
    }

    @Test
    void aMalformedMessageIsOneLineForTheLog() {
        assertThatThrownBy(() -> parse("{\"a\":\n\n}x")).isInstanceOf(MalformedMessageException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    // ---- writing (B-W1) ----

    @Test
    void writeIsCompactWithoutATrailingNewline() {
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("jsonrpc", "2.0");
        message.put("id", 7);
        message.put("result", Map.of());

        assertThat(write(message)).isEqualTo("{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{}}");
    }

    @Test
    void writeEscapesLineBreaksAndRoundTrips() {
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("line\nbreak", "a\nb\r\nc\u2028d\"e\\f");
        message.put("numbers", Arrays.asList(1, 2147483648L, new BigInteger("9223372036854775808"), 1.5d, null));

        byte[] written = codec.write(message);

        for (byte b : written) {
            assertThat(b).isNotEqualTo((byte) '\n').isNotEqualTo((byte) '\r');
        }
        assertThat(codec.parse(written, 0, written.length)).isEqualTo(message);
    }

    @Test
    void writeRejectsValuesOutsideTheJsonShapedSet() {
        assertThatThrownBy(() -> codec.write(new Object())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> codec.write(List.of(Duration.ofSeconds(1)))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> codec.write(Map.of(1, "a"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> codec.write(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> codec.write(List.of(Double.POSITIVE_INFINITY))).isInstanceOf(IllegalArgumentException.class);
    }
}
