package dev.mcpd.adapter.primary.wire;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import dev.mcpd.domain.error.MalformedMessageException;
import dev.mcpd.domain.port.JsonCodec;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@link JsonCodec} on Jackson's streaming core: JSON text to {@code LinkedHashMap}/{@code ArrayList}/scalars
 * and back. The streaming core, not databind, because every proxy parses its host's lines from its first
 * millisecond and databind alone adds about 50 ms to a proxy's start-up (docs/benchmarks.md).
 *
 * <p>Hardened for hostile input (B-X1): nesting deeper than {@link #MAX_DEPTH}, numbers longer than
 * {@link #MAX_NUMBER_LENGTH} digits, duplicate keys, trailing tokens, NUL bytes and ill-formed UTF-8 are malformed.
 * UTF-8 is checked by the JDK's strict decoder before Jackson sees the bytes, because Jackson alone detects UTF-16
 * and UTF-32 from NUL bytes and decodes overlong forms ({@code C0 A2} for a quote); a raw NUL never appears in
 * JSON text (RFC 8259 section 7).
 *
 * <p>Numbers: integers become {@code Integer}, {@code Long} or {@code BigInteger} by size; fractions and exponents
 * become {@code Double}, or {@code BigDecimal} beyond its range, so that {@code 1e400} keeps its value instead of
 * becoming infinity.
 */
public final class JacksonJsonCodec implements JsonCodec {

    /** The deepest nesting accepted. MCP messages need well under 20 levels. */
    public static final int MAX_DEPTH = 128;
    /** The longest number accepted, in characters. */
    public static final int MAX_NUMBER_LENGTH = 256;

    /** The chars decoded at a time while validating UTF-8: the memory the check costs, whatever the line. */
    private static final int UTF8_CHECK_CHARS = 4096;

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_DEPTH)
                    .maxNumberLength(MAX_NUMBER_LENGTH)
                    .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    @Override
    public Object parse(byte[] utf8, int offset, int length) {
        checkText(utf8, offset, length);
        try (JsonParser parser = FACTORY.createParser(utf8, offset, length)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw new MalformedMessageException("no JSON value in the line");
            }
            Object value = read(parser, first);
            if (parser.nextToken() != null) {
                throw new MalformedMessageException("unexpected content after the JSON value at column "
                        + parser.currentLocation().getColumnNr());
            }
            return value;
        } catch (MalformedMessageException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new MalformedMessageException(describe(e), e);
        }
    }

    private static void checkText(byte[] utf8, int offset, int length) {
        if (utf8 == null || offset < 0 || length < 0 || offset > utf8.length - length) {
            throw new MalformedMessageException("no bytes in range " + offset + "+" + length);
        }
        for (int i = offset; i < offset + length; i++) {
            if (utf8[i] == 0) {
                throw new MalformedMessageException("NUL byte at offset " + (i - offset));
            }
        }
        checkUtf8(utf8, offset, length);
    }

    /**
     * Validates UTF-8 in place (review finding 5): the decoder streams through a small char buffer that is reused,
     * instead of decoding the whole line into a {@code CharBuffer} of twice its size only to throw it away.
     */
    private static void checkUtf8(byte[] utf8, int offset, int length) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(utf8, offset, length);
        CharBuffer scratch = CharBuffer.allocate(UTF8_CHECK_CHARS);
        while (true) {
            CoderResult result = decoder.decode(in, scratch, true);
            if (result.isError()) {
                throw new MalformedMessageException("invalid UTF-8: " + result.length() + " malformed byte(s) at offset "
                        + (in.position() - offset));
            }
            scratch.clear();
            if (result.isUnderflow()) {
                break;
            }
        }
        CoderResult flushed = decoder.flush(scratch);
        if (flushed.isError()) {
            throw new MalformedMessageException("invalid UTF-8 at the end of the line");
        }
    }

    private static Object read(JsonParser parser, JsonToken token) throws IOException {
        return switch (token) {
            case START_OBJECT -> {
                Map<String, Object> object = new LinkedHashMap<>();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String name = parser.currentName();
                    object.put(name, read(parser, parser.nextToken()));
                }
                yield object;
            }
            case START_ARRAY -> {
                List<Object> array = new ArrayList<>();
                JsonToken next;
                while ((next = parser.nextToken()) != JsonToken.END_ARRAY) {
                    array.add(read(parser, next));
                }
                yield array;
            }
            case VALUE_STRING -> parser.getText();
            case VALUE_NUMBER_INT -> parser.getNumberValue();
            case VALUE_NUMBER_FLOAT -> {
                double d = parser.getDoubleValue();
                yield Double.isInfinite(d) ? parser.getDecimalValue() : d;
            }
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> null;
            default -> throw new MalformedMessageException("unexpected " + token + " at column "
                    + parser.currentLocation().getColumnNr());
        };
    }

    @Override
    public byte[] write(Object value) {
        try (ByteArrayBuilder bytes = new ByteArrayBuilder(256);
                JsonGenerator generator = FACTORY.createGenerator(bytes)) {
            write(generator, value);
            generator.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot write JSON: " + e.getMessage(), e);
        }
    }

    private static void write(JsonGenerator generator, Object value) throws IOException {
        switch (value) {
            case null -> generator.writeNull();
            case String s -> generator.writeString(s);
            case Boolean b -> generator.writeBoolean(b);
            case Integer i -> generator.writeNumber(i);
            case Long l -> generator.writeNumber(l);
            case Short s -> generator.writeNumber(s);
            case Byte b -> generator.writeNumber(b);
            case BigInteger b -> generator.writeNumber(b);
            case BigDecimal d -> generator.writeNumber(d);
            case Double d -> generator.writeNumber(finite(d));
            case Float f -> generator.writeNumber(finite(f.doubleValue()));
            case Map<?, ?> map -> {
                generator.writeStartObject();
                for (Map.Entry<?, ?> entry : map.entrySet()) {
                    if (!(entry.getKey() instanceof String key)) {
                        throw new IllegalArgumentException("JSON object keys are strings, not " + entry.getKey());
                    }
                    generator.writeFieldName(key);
                    write(generator, entry.getValue());
                }
                generator.writeEndObject();
            }
            case List<?> list -> {
                generator.writeStartArray();
                for (Object item : list) {
                    write(generator, item);
                }
                generator.writeEndArray();
            }
            default -> throw new IllegalArgumentException("not a JSON-shaped value: " + value.getClass().getName());
        }
    }

    private static double finite(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            throw new IllegalArgumentException("JSON has no " + d);
        }
        return d;
    }

    private static String describe(Exception e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
