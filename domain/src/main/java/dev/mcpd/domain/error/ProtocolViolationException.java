package dev.mcpd.domain.error;

/** The peer broke the mcpd wire protocol (B-W2, B-W3, B-W4, B-W5, B-T3). */
public final class ProtocolViolationException extends McpdException {

    public ProtocolViolationException(String message) {
        super(ErrorCode.PROTOCOL_VIOLATION, message, null);
    }

    public ProtocolViolationException(String message, Throwable cause) {
        super(ErrorCode.PROTOCOL_VIOLATION, message, cause);
    }
}
