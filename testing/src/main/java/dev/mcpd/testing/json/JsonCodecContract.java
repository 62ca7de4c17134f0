package dev.mcpd.testing.json;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcpd.domain.error.MalformedMessageException;
import dev.mcpd.domain.port.JsonCodec;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
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

    protected Object parse(String text) {
        byte[] bytes = text.getBytes(UTF_8);
        return codec.parse(bytes, 0, bytes.length);
    }

    protected Object parseHex(String hex) {
        byte[] bytes = HexFormat.of().parseHex(hex.replace(" ", ""));
        return codec.parse(bytes, 0, bytes.length);
    }

    @Test
    void objectsKeepTheirKeyOrder() {
        Object value = parse("{\"z\":1,\"a\":2,\"m\":{\"y\":true,\"b\":null}}");
        assertThat(value).isInstanceOf(LinkedHashMap.class);
        @SuppressWarnings("unchecked")
        Map<String, Object> object = (Map<String, Object>) value;
        assertThat(object.keySet()).containsExactly("z", "a", "m");
        @SuppressWarnings("unchecked")
        Map<String, Object> inner = (Map<String, Object>) object.get("m");
        assertThat(inner.keySet()).containsExactly("y", "b");
        assertThat(new String(codec.write(value), UTF_8)).isEqualTo("{\"z\":1,\"a\":2,\"m\":{\"y\":true,\"b\":null}}");
    }

    @Test
    void integersBecomeIntegerLongOrBigInteger() {
        assertThat(parse("2147483647")).isEqualTo(Integer.MAX_VALUE);
        assertThat(parse("-2147483648")).isEqualTo(Integer.MIN_VALUE);
        assertThat(parse("2147483648")).isEqualTo(2147483648L);
        assertThat(parse("9223372036854775807")).isEqualTo(Long.MAX_VALUE);
        assertThat(parse("9223372036854775808")).isEqualTo(new BigInteger("9223372036854775808"));
        assertThat(parse("-0")).isEqualTo(0);
        assertThat(parse("1.5")).isEqualTo(1.5d);
        assertThat(parse("1e2")).isEqualTo(100.0d);
    }

    @Test
    void aNumberBeyondDoubleKeepsItsValue() { // B-X1: huge numbers neither crash nor turn into Infinity
        assertThat(parse("1e400")).isEqualTo(new BigDecimal("1e400"));
        assertThat(new String(codec.write(parse("[1e400]")), UTF_8)).isEqualTo("[1E+400]");
    }

    @Test
    void scalarsArraysAndEscapesDecode() {
        assertThat(parse("[true,false,null,\"\\u00e9\\n\",\"\u20ac\"]"))
                .isEqualTo(Arrays.asList(true, false, null, "\u00e9\n", "\u20ac"));
        assertThat(parse(" \t\r\n{}\n ")).isEqualTo(Map.of());
        assertThat(parse("\"\uD83D\uDE00\"")).isEqualTo("\uD83D\uDE00");
    }

    @Test
    void parsesOnlyTheGivenSliceOfTheBuffer() {
        byte[] buffer = "garbage{\"id\":1}garbage".getBytes(UTF_8);
        assertThat(codec.parse(buffer, 7, 8)).isEqualTo(Map.of("id", 1));
    }

    @Test
    void nestingTenThousandDeepIsMalformedNotAStackOverflow() {
        assertThatThrownBy(() -> parse("[".repeat(10_000))).isInstanceOf(MalformedMessageException.class);
        assertThatThrownBy(() -> parse("{\"a\":".repeat(10_000))).isInstanceOf(MalformedMessageException.class);
        assertThatThrownBy(() -> parse("[".repeat(10_000) + "]".repeat(10_000)))
                .isInstanceOf(MalformedMessageException.class);
    }

    @Test
    void nestingIsBoundedAtMaxDepth() {
        int depth = maxDepth();
        assertThat(parse("[".repeat(depth) + "]".repeat(depth))).isInstanceOf(List.class);
        assertThatThrownBy(() -> parse("[".repeat(depth + 1) + "]".repeat(depth + 1)))
                .isInstanceOf(MalformedMessageException.class);
    }

    @Test
    void hugeNumbersAreMalformed() {
        String digits = "9".repeat(2000);
        assertThatThrownBy(() -> parse(digits)).isInstanceOf(MalformedMessageException.class);
        assertThatThrownBy(() -> parse("-" + digits)).isInstanceOf(MalformedMessageException.class);
        assertThatThrownBy(() -> parse("0." + digits)).isInstanceOf(MalformedMessageException.class);
        assertThatThrownBy(() -> parse("{\"id\":" + digits + "}")).isInstanceOf(MalformedMessageException.class);
        assertThat(parse("1" + "0".repeat(maxNumberLength() - 1))).isInstanceOf(BigInteger.class);
    }

    @ParameterizedTest(name = "[{index}] <{0}>")
    @ValueSource(strings = {
        "22 80 22",             // a continuation byte where a character starts
        "22 ff 22",             // never valid in UTF-8
        "22 e2 82 22",          // truncated three-byte sequence
        "22 c3",                // truncated at the end of the text
        "22 c0 a2 22",          // overlong quote
        "22 c0 8a 22",          // overlong newline
        "22 e0 80 af 22",       // overlong slash
        "22 f0 82 82 ac 22",    // overlong euro sign
        "22 ed a0 80 22",       // a UTF-16 surrogate encoded as UTF-8
        "22 f4 90 80 80 22",    // past U+10FFFF
        "22 f5 80 80 80 22",    // lead byte past U+10FFFF
        "7b 22 c0 a2 22 3a 31 7d", // overlong inside a key
    })
    void invalidUtf8IsMalformed(String hex) {
        assertThatThrownBy(() -> parseHex(hex)).isInstanceOf(MalformedMessageException.class);
    }

    @ParameterizedTest(name = "[{index}] <{0}>")
    @ValueSource(strings = {
        "00 7b 00 7d",          // {} in UTF-16BE
        "7b 00 7d 00",          // {} in UTF-16LE
        "fe ff 00 7b 00 7d",    // {} in UTF-16BE with a byte order mark
        "ff fe 7b 00 7d 00",    // {} in UTF-16LE with a byte order mark
        "00 00 00 31",          // 1 in UTF-32BE
        "00 31",                // 1 in UTF-16BE
        "7b 7d 00",             // a NUL after the text
    })
    void otherEncodingsAndNulBytesAreMalformed(String hex) {
        assertThatThrownBy(() -> parseHex(hex)).isInstanceOf(MalformedMessageException.class);
    }

    @Test
    void wellFormedMultiByteUtf8Decodes() {
        assertThat(parseHex("22 c2 80 df bf e0 a0 80 ed 9f bf ee 80 80 f0 90 80 80 f4 8f bf bf 22"))
                .isEqualTo("\u0080\u07ff\u0800\ud7ff\ue000\uD800\uDC00\uDBFF\uDFFF");
        assertThat(parseHex("ef bb bf 7b 7d")).as("a UTF-8 byte order mark may be ignored (RFC 8259 section 8.1)")
                .isEqualTo(Map.of());
    }

    @Test
    void duplicateKeysAreMalformed() {
        assertThatThrownBy(() -> parse("{\"id\":1,\"id\":2}")).isInstanceOf(MalformedMessageException.class);
        assertThatThrownBy(() -> parse("{\"params\":{\"a\":1,\"b\":2,\"a\":3}}"))
                .isInstanceOf(MalformedMessageException.class);
    }

    @ParameterizedTest(name = "[{index}] <{0}>")
    @ValueSource(strings = {"{} x", "{} {}", "1 2", "[]]", "{}}", "\"a\" \"b\"", "null,"})
    void trailingGarbageIsMalformed(String text) {
        assertThatThrownBy(() -> parse(text)).isInstanceOf(MalformedMessageException.class);
    }

    @ParameterizedTest(name = "[{index}] <{0}>")
    @ValueSource(strings = {"", "   ", "{", "[1,", "{\"a\"}", "{\"a\":}", "NaN", "Infinity", "-Infinity", "'a'",
        "{a:1}", "[1,]", "{\"a\":1,}", "/* c */ 1", "// c\n1", "01", "1.", ".5", "+1", "0x10", "tru", "nul",
        "\"\t\"", "\"a\nb\"", "\"\\x41\"", "\"\\u12\""})
    void nonJsonTextIsMalformed(String text) {
        assertThatThrownBy(() -> parse(text)).isInstanceOf(MalformedMessageException.class);
    }

    @Test
    void malformedMessagesAreOneLineForTheLog() {
        assertThatThrownBy(() -> parse("{\"a\":\n\n}x"))
                .isInstanceOf(MalformedMessageException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void writeIsCompactWithoutATrailingNewline() {
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("jsonrpc", "2.0");
        message.put("id", 7);
        message.put("result", Map.of());
        assertThat(new String(codec.write(message), UTF_8)).isEqualTo("{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{}}");
    }

    @Test
    void writeEscapesEveryLineBreakInKeysAndValues() {
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("line\nbreak", "a\nb\r\nc\u2028d\u0085e");
        message.put("list", List.of("\n", "\n\n"));
        byte[] written = codec.write(message);
        for (byte b : written) {
            assertThat(b).isNotEqualTo((byte) '\n').isNotEqualTo((byte) '\r');
        }
        assertThat(codec.parse(written, 0, written.length)).isEqualTo(message);
    }

    @Test
    void writeRejectsValuesOutsideTheJsonShapedSet() {
        assertThatThrownBy(() -> codec.write(new Object())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> codec.write(List.of(Duration.ofSeconds(1))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void writeAndParseRoundTripAJsonRpcMessage() {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("name", "containers.list");
        params.put("arguments", new LinkedHashMap<>(Map.of("all", true)));
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("jsonrpc", "2.0");
        message.put("id", 3_000_000_000L);
        message.put("method", "tools/call");
        message.put("params", params);
        message.put("list", new ArrayList<>(Arrays.asList(1, 2.5, null, "x", new BigInteger("1" + "0".repeat(30)))));
        byte[] written = codec.write(message);
        Object parsed = codec.parse(written, 0, written.length);
        assertThat(parsed).isEqualTo(message);
        assertThat(codec.write(parsed)).isEqualTo(written);
    }

    @Test
    void theUtf8CheckAcceptsAllOfUnicodeAsTheJdkEncodesIt() {
        StringBuilder all = new StringBuilder();
        for (int cp = 0x20; cp <= 0x10FFFF; cp++) {
            if (cp == '"' || cp == '\\' || (cp >= 0xD800 && cp <= 0xDFFF)) {
                continue;
            }
            all.appendCodePoint(cp);
        }
        String text = all.toString();
        assertThat(parse("\"" + text + "\"")).isEqualTo(text);
    }

    // ---- beyond the production codec's own tests: what a test codec gets wrong first ----

    @Test
    void escapedStringsDecode() {
        assertThat(parse("[\"\\t\\\"\\\\\\/\"]")).isEqualTo(List.of("\t\"\\/"));
        assertThat(parse("\"\\ud83d\\ude00\"")).isEqualTo("\uD83D\uDE00");
    }

    @Test
    void aNulByteInsideAStringIsMalformed() {
        assertThatThrownBy(() -> parseHex("22 61 00 62 22")).isInstanceOf(MalformedMessageException.class);
    }

    @Test
    void writeRejectsNonStringKeysAndNonFiniteNumbers() {
        assertThatThrownBy(() -> codec.write(Map.of(1, "a"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> codec.write(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> codec.write(List.of(Double.POSITIVE_INFINITY))).isInstanceOf(IllegalArgumentException.class);
    }
}
