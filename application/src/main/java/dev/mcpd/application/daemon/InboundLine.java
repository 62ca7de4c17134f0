package dev.mcpd.application.daemon;

import dev.mcpd.application.mcp.McpServerSession;
import dev.mcpd.domain.error.MalformedMessageException;
import dev.mcpd.domain.port.JsonCodec;

/**
 * A line read from a client, parsed: its value, or why it is not JSON (then {@code value} is null), which the session
 * answers with {@code -32700} and goes on (B-M4).
 */
record InboundLine(Object value, String error) {

    static InboundLine parse(JsonCodec codec, byte[] line) {
        try {
            return new InboundLine(codec.parse(line, 0, line.length), null);
        } catch (MalformedMessageException e) {
            return new InboundLine(null, e.getMessage());
        }
    }

    /** Hands the line to {@code session}: the value, or the parse error. */
    void deliverTo(McpServerSession session) {
        if (error != null) {
            session.onMalformed(error);
        } else {
            session.onMessage(value);
        }
    }
}
