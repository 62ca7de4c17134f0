package dev.mcpd.domain.error;

/** A line exceeded the size limit (B-C4). */
public final class LineTooLongException extends McpdException {

    public LineTooLongException(String message) {
        super(ErrorCode.LINE_TOO_LONG, message, null);
    }

    public LineTooLongException(String message, Throwable cause) {
        super(ErrorCode.LINE_TOO_LONG, message, cause);
    }
}
