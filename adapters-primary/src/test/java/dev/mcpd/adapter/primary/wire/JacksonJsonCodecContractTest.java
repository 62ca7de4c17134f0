package dev.mcpd.adapter.primary.wire;

import dev.mcpd.domain.port.JsonCodec;
import dev.mcpd.testing.json.JsonCodecContract;

/** The production codec passes the {@link JsonCodecContract} that the application tests' codec passes too. */
class JacksonJsonCodecContractTest extends JsonCodecContract {

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
}
