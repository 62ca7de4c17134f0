package dev.mcpd.application.wire;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.mcpd.domain.error.MalformedMessageException;
import dev.mcpd.domain.port.JsonCodec;
import java.io.IOException;

/**
 * A {@link JsonCodec} for tests of the application ring, on Jackson in test scope only (the production codec lives
 * in {@code adapter.primary.wire}, which application must not import).
 */
public final class TestJsonCodec implements JsonCodec {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    @Override
    public Object parse(byte[] utf8, int offset, int length) {
        try {
            return MAPPER.readValue(utf8, offset, length, Object.class);
        } catch (IOException | RuntimeException e) {
            throw new MalformedMessageException(String.valueOf(e.getMessage()).lines().findFirst().orElse("malformed"), e);
        }
    }

    @Override
    public byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a JSON-shaped value: " + e.getMessage(), e);
        }
    }
}
