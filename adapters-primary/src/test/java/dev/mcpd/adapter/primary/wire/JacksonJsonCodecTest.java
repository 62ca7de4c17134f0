package dev.mcpd.adapter.primary.wire;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcpd.domain.error.MalformedMessageException;
import dev.mcpd.domain.port.JsonCodec;
import dev.mcpd.testing.json.JsonCodecContract;
import org.junit.jupiter.api.Test;

/**
 * {@link JacksonJsonCodec} on the inputs B-X1 names, one by one: the {@link JsonCodecContract} that the application
 * tests' codec passes too, and how this codec checks UTF-8; {@link JsonCodecFuzzTest} covers the rest.
 */
class JacksonJsonCodecTest extends JsonCodecContract {

    @Override
    protected JsonCodec newCodec() {
        return new JacksonJsonCodec();
    }

    @Override
    protected int maxDepth() {
        return JacksonJsonCodec.MAX_DEPTH;
    }

    @Override
    protected int maxNumberLength() {
        return JacksonJsonCodec.MAX_NUMBER_LENGTH;
    }

    /**
     * Review finding 5: UTF-8 is checked in chunks, not by decoding the whole line; a character that straddles two
     * chunks is still valid, and a bad byte after many chunks is still found.
     */
    @Test
    void utf8IsCheckedAcrossChunkBoundariesOfALongLine() {
        String text = "\ud83d\ude00".repeat(5_000) + "é".repeat(3_001); // surrogate pairs then 2-byte chars
        assertThat(parse("\"" + text + "\"")).isEqualTo(text);
        byte[] bad = ("\"" + "a".repeat(50_000) + "x\"").getBytes(UTF_8);
        bad[bad.length - 2] = (byte) 0xc0;
        assertThatThrownBy(() -> codec.parse(bad, 0, bad.length)).isInstanceOf(MalformedMessageException.class)
                .hasMessageContaining("invalid UTF-8").hasMessageContaining("offset 50001");
    }
}
