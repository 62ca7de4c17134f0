package dev.mcpd.application.wire;

import dev.mcpd.domain.port.JsonCodec;
import dev.mcpd.testing.json.JsonCodecContract;

/** The application tests' codec passes the {@link JsonCodecContract} that production's {@code JacksonJsonCodec} passes. */
class TestJsonCodecTest extends JsonCodecContract {

    @Override
    protected JsonCodec newCodec() {
        return new TestJsonCodec();
    }

    @Override
    protected int maxDepth() {
        return TestJsonCodec.MAX_DEPTH;
    }

    @Override
    protected int maxNumberLength() {
        return TestJsonCodec.MAX_NUMBER_LENGTH;
    }
}
