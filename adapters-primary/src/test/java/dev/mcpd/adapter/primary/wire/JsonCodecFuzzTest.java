package dev.mcpd.adapter.primary.wire;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpd.application.daemon.HelloProtocol;
import dev.mcpd.domain.error.MalformedMessageException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Property-based fuzzing of the wire codec and the hello parser (B-X1, B-W1, B-W4): whatever a client sends, the
 * codec returns a value or throws {@link MalformedMessageException}, and nothing it writes breaks the line framing.
 */
class JsonCodecFuzzTest {

    private static final int TRIES = 1000;
    private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

    private final JacksonJsonCodec codec = new JacksonJsonCodec();

    // --- parse: any bytes ---------------------------------------------------------------------------------------

    @Property(tries = TRIES)
    void arbitraryBytesParseToAValueOrAreMalformed(@ForAll @Size(max = 512) byte[] bytes) {
        parseOrMalformed(bytes);
    }

    @Property(tries = TRIES)
    void mutatedJsonParsesToAValueOrIsMalformed(@ForAll("jsonValues") Object value,
            @ForAll @Size(min = 1, max = 8) List<@IntRange(min = 0, max = Integer.MAX_VALUE) Integer> positions,
            @ForAll @Size(min = 8, max = 8) byte[] noise) {
        byte[] written = codec.write(value);
        byte[] mutated = written.clone();
        for (int i = 0; i < positions.size(); i++) {
            mutated[positions.get(i) % mutated.length] = noise[i];
        }
        parseOrMalformed(mutated);
        // Truncated JSON, as a connection cut mid-line leaves it.
        parseOrMalformed(Arrays.copyOf(written, positions.getFirst() % written.length));
    }

    @Property(tries = TRIES)
    void textMadeOfJsonTokensParsesToAValueOrIsMalformed(@ForAll("jsonishText") String text) {
        parseOrMalformed(text.getBytes(UTF_8));
    }

    // --- write: framing and round trips -------------------------------------------------------------------------

    @Property(tries = TRIES)
    void writtenStringsNeverContainANewlineByteAndRoundTrip(@ForAll String before, @ForAll String after) {
        String withNewline = before + "\n" + after;
        Map<String, Object> message = new LinkedHashMap<>();
        message.put(withNewline, withNewline);
        message.put("list", List.of(withNewline));
        byte[] written = codec.write(message);
        for (byte b : written) {
            assertThat(b).isNotEqualTo((byte) '\n');
        }
        assertThat(codec.parse(written, 0, written.length)).isEqualTo(message);
    }

    @Property(tries = TRIES)
    void jsonShapedValuesRoundTripWithTypesAndKeyOrder(@ForAll("jsonValues") Object value) {
        byte[] written = codec.write(value);
        for (byte b : written) {
            assertThat(b).isNotEqualTo((byte) '\n');
        }
        Object parsed = codec.parse(written, 0, written.length);
        assertThat(parsed).isEqualTo(value);
        assertThat(codec.write(parsed)).as("same bytes again: key order and number types survive").isEqualTo(written);
    }

    // --- the client hello (B-W4) --------------------------------------------------------------------------------

    @Property(tries = TRIES)
    void anyMapWithMcpdClientIsClassifiedWithoutThrowing(@ForAll("helloLikeMaps") Map<String, Object> message,
            @ForAll @IntRange(min = 0, max = 10_000) int lineBytes) {
        HelloProtocol.Parsed parsed = HelloProtocol.parseClientHello(message, lineBytes);
        assertThat(parsed).isNotNull().isNotInstanceOf(HelloProtocol.Parsed.NotHello.class);
        if (parsed instanceof HelloProtocol.Parsed.Hello(var hello)) {
            assertThat(hello.pid()).isPositive();
            assertThat(lineBytes).isLessThanOrEqualTo(HelloProtocol.MAX_HELLO_BYTES);
        }
    }

    @Property(tries = TRIES)
    void helloLinesFromTheWireAreClassifiedWithoutThrowing(@ForAll("helloLikeMaps") Map<String, Object> message) {
        // Through the codec, numbers arrive as the Integer/Long/BigInteger/Double the parser makes.
        byte[] line = codec.write(message);
        Object parsed = codec.parse(line, 0, line.length);
        assertThat(HelloProtocol.parseClientHello(parsed, line.length)).isNotNull();
    }

    @Property(tries = TRIES)
    void anyParsedLineIsClassifiedWithoutThrowing(@ForAll("jsonValues") Object value) {
        byte[] line = codec.write(value);
        assertThat(HelloProtocol.parseClientHello(codec.parse(line, 0, line.length), line.length)).isNotNull();
    }

    private void parseOrMalformed(byte[] bytes) {
        try {
            codec.parse(bytes, 0, bytes.length);
        } catch (MalformedMessageException expected) {
            assertThat(expected.getMessage()).isNotBlank().doesNotContain("\n");
        }
        // Anything else (a RuntimeException, StackOverflowError, ...) escapes and fails the property.
    }

    // --- generators ---------------------------------------------------------------------------------------------

    @Provide
    Arbitrary<Object> jsonValues() {
        return jsonValue(3);
    }

    private static Arbitrary<Object> jsonValue(int depth) {
        Arbitrary<Object> scalars = Arbitraries.oneOf(
                Arbitraries.of(true, false),
                Arbitraries.integers(),
                // Parsing picks the smallest type that fits, so each type is generated only where it is the one.
                Arbitraries.longs().filter(l -> l < Integer.MIN_VALUE || l > Integer.MAX_VALUE),
                Arbitraries.bigIntegers().between(LONG_MAX.add(BigInteger.ONE), BigInteger.TEN.pow(80)),
                Arbitraries.bigIntegers().between(BigInteger.TEN.pow(80).negate(), LONG_MAX.negate().subtract(BigInteger.TWO)),
                Arbitraries.doubles().filter(Double::isFinite),
                Arbitraries.strings().ofMaxLength(24),
                Arbitraries.strings().withChars("\n\r\t\"\\/\u0000\u001f\u2028\u00e9\u20ac").ofMaxLength(8))
                .map(o -> (Object) o)
                .injectNull(0.05);
        if (depth == 0) {
            return scalars;
        }
        Arbitrary<Object> lists = jsonValue(depth - 1).list().ofMaxSize(4).map(l -> (Object) new ArrayList<>(l));
        Arbitrary<Object> objects = Combinators.combine(
                        Arbitraries.strings().ofMaxLength(12).list().uniqueElements().ofMaxSize(4),
                        jsonValue(depth - 1).list().ofSize(4))
                .as((keys, values) -> {
                    Map<String, Object> object = new LinkedHashMap<>();
                    for (int i = 0; i < keys.size(); i++) {
                        object.put(keys.get(i), values.get(i));
                    }
                    return (Object) object;
                });
        return Arbitraries.frequencyOf(
                Tuple.of(4, scalars),
                Tuple.of(1, lists),
                Tuple.of(1, objects));
    }

    @Provide
    Arbitrary<Map<String, Object>> helloLikeMaps() {
        Arbitrary<Object> anyValue = jsonValue(2);
        Arbitrary<Object> pidLike = Arbitraries.oneOf(
                Arbitraries.longs().map(l -> (Object) l),
                Arbitraries.integers().between(-2, 5).map(i -> (Object) i),
                Arbitraries.bigIntegers().between(BigInteger.ONE.shiftLeft(62), BigInteger.ONE.shiftLeft(70)).map(b -> (Object) b),
                Arbitraries.of(1.0, 1.5, -1.0, 0.0).map(d -> (Object) d),
                anyValue);
        Arbitrary<Object> envLike = Arbitraries.oneOf(
                Arbitraries.maps(Arbitraries.strings().ofMaxLength(8), Arbitraries.strings().ofMaxLength(8))
                        .ofMaxSize(3).map(m -> (Object) new LinkedHashMap<String, Object>(m)),
                Arbitraries.maps(Arbitraries.strings().ofMaxLength(8), anyValue)
                        .ofMaxSize(3).map(m -> (Object) new LinkedHashMap<>(m)),
                anyValue);
        return Combinators.combine(
                        Arbitraries.oneOf(pidLike, Arbitraries.of(1, 1L, 2, 0).map(i -> (Object) i)),
                        maybe(pidLike), maybe(pidLike), maybe(envLike), maybe(anyValue),
                        Arbitraries.maps(Arbitraries.strings().ofMaxLength(6), anyValue).ofMaxSize(2))
                .as((version, pid, hostPid, env, token, extra) -> {
                    Map<String, Object> hello = new LinkedHashMap<>(extra);
                    hello.put("mcpd_client", version);
                    putUnlessAbsent(hello, "pid", pid);
                    putUnlessAbsent(hello, "hostPid", hostPid);
                    putUnlessAbsent(hello, "env", env);
                    putUnlessAbsent(hello, "token", token);
                    return hello;
                });
    }

    /** A missing key and a null value are different hellos: both are worth generating. */
    private static final Object ABSENT = new Object();

    private static Arbitrary<Object> maybe(Arbitrary<Object> value) {
        return Arbitraries.frequencyOf(Tuple.of(6, value), Tuple.of(1, Arbitraries.just(ABSENT))).injectNull(0.15);
    }

    private static void putUnlessAbsent(Map<String, Object> map, String key, Object value) {
        if (value != ABSENT) {
            map.put(key, value);
        }
    }

    @Provide
    Arbitrary<String> jsonishText() {
        Arbitrary<String> tokens = Arbitraries.of("{", "}", "[", "]", ":", ",", "\"", "\\", "\"a\"", "\"mcpd_client\"",
                "1", "-", "0", "1e", "e5", ".", "9".repeat(300), "true", "null", "fals", " ", "\n", "\\u", "\\ud800",
                "\\udc00", "\u00e9", "\uD83D\uDE00", "\"\\u0000\"", "[".repeat(200), "{\"a\":".repeat(150));
        return tokens.list().ofMaxSize(40).map(list -> String.join("", list));
    }
}
