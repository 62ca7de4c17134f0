package dev.mcpd.adapter.primary.wire;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.mcpd.domain.error.MalformedMessageException;
import dev.mcpd.domain.port.JsonCodec;
import java.io.IOException;

/**
 * The {@link JsonCodec} on Jackson databind: JSON text to {@code LinkedHashMap}/{@code ArrayList}/scalars and back.
 *
 * <p>Hardened for hostile input (B-X1): nesting deeper than {@link #MAX_DEPTH}, numbers longer than
 * {@link #MAX_NUMBER_LENGTH} digits, duplicate keys, trailing tokens and invalid UTF-8 are malformed.
 */
public final class JacksonJsonCodec implements JsonCodec {

    /** The deepest nesting accepted. MCP messages need well under 20 levels. */
    public static final int MAX_DEPTH = 128;
    /** The longest number accepted, in characters. */
    public static final int MAX_NUMBER_LENGTH = 256;

    private final ObjectMapper mapper;

    public JacksonJsonCodec() {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(MAX_DEPTH)
                        .maxNumberLength(MAX_NUMBER_LENGTH)
                        .build())
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        this.mapper = JsonMapper.builder(factory)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(JsonParser.Feature.AUTO_CLOSE_SOURCE)
                .build();
    }

    @Override
    public Object parse(byte[] utf8, int offset, int length) {
        try {
            return mapper.readValue(utf8, offset, length, Object.class);
        } catch (IOException | RuntimeException e) {
            throw new MalformedMessageException(describe(e), e);
        }
    }

    @Override
    public byte[] write(Object value) {
        try {
            return mapper.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a JSON-shaped value: " + e.getMessage(), e);
        }
    }

    private static String describe(Exception e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
