package dev.mcpd.application.wire;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.mcpd.domain.error.MalformedMessageException;
import dev.mcpd.domain.port.JsonCodec;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link JsonCodec} for tests of the application ring, on Jackson databind in test scope only (the production codec
 * lives in {@code adapter.primary.wire}, which application must not import). Configured to read and write as the
 * production codec does, which {@code JsonCodecContract} checks for both: nesting at most {@link #MAX_DEPTH}, numbers
 * at most {@link #MAX_NUMBER_LENGTH} characters, strict UTF-8 without NUL bytes, no duplicate keys or trailing
 * tokens, fractions beyond a double kept as {@link BigDecimal}, only JSON-shaped values written.
 */
public final class TestJsonCodec implements JsonCodec {

    /** The deepest nesting accepted, as in production. */
    public static final int MAX_DEPTH = 128;
    /** The longest number accepted, in characters, as in production. */
    public static final int MAX_NUMBER_LENGTH = 256;

    private static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(MAX_DEPTH)
                            .maxNumberLength(MAX_NUMBER_LENGTH)
                            .build())
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    @Override
    public Object parse(byte[] utf8, int offset, int length) {
        try {
            checkText(utf8, offset, length);
            return fractions(MAPPER.readValue(utf8, offset, length, Object.class));
        } catch (IOException | RuntimeException e) {
            throw new MalformedMessageException(String.valueOf(e.getMessage()).lines().findFirst().orElse("malformed"), e);
        }
    }

    private static void checkText(byte[] utf8, int offset, int length) throws CharacterCodingException {
        for (int i = offset; i < offset + length; i++) {
            if (utf8[i] == 0) {
                throw new MalformedMessageException("NUL byte at offset " + (i - offset));
            }
        }
        StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(utf8, offset, length));
    }

    /** Fractions as production reads them: a {@code Double}, or the {@code BigDecimal} when a double cannot hold it. */
    private static Object fractions(Object value) {
        return switch (value) {
            case BigDecimal d -> Double.isInfinite(d.doubleValue()) ? d : (Object) d.doubleValue();
            case Map<?, ?> map -> {
                Map<Object, Object> copy = new LinkedHashMap<>();
                map.forEach((k, v) -> copy.put(k, fractions(v)));
                yield copy;
            }
            case List<?> list -> {
                List<Object> copy = new ArrayList<>();
                list.forEach(item -> copy.add(fractions(item)));
                yield copy;
            }
            case null, default -> value;
        };
    }

    @Override
    public byte[] write(Object value) {
        checkShape(value);
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a JSON-shaped value: " + e.getMessage(), e);
        }
    }

    private static void checkShape(Object value) {
        switch (value) {
            case null -> { }
            case String s -> { }
            case Boolean b -> { }
            case Integer i -> { }
            case Long l -> { }
            case Short s -> { }
            case Byte b -> { }
            case BigInteger b -> { }
            case BigDecimal d -> { }
            case Double d when Double.isFinite(d) -> { }
            case Float f when Float.isFinite(f) -> { }
            case Map<?, ?> map -> map.forEach((k, v) -> {
                if (!(k instanceof String)) {
                    throw new IllegalArgumentException("JSON object keys are strings, not " + k);
                }
                checkShape(v);
            });
            case List<?> list -> list.forEach(TestJsonCodec::checkShape);
            default -> throw new IllegalArgumentException("not a JSON-shaped value: " + value);
        }
    }
}
