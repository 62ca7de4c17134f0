package dev.mcpd.domain.error;

/** Bytes that do not parse as the expected JSON (B-M4, B-X1). */
public final class MalformedMessageException extends McpdException {

    public MalformedMessageException(String message) {
        super(ErrorCode.MALFORMED_MESSAGE, message, null);
    }

    public MalformedMessageException(String message, Throwable cause) {
        super(ErrorCode.MALFORMED_MESSAGE, message, cause);
    }
}
