package dev.mcpd.domain.error;

/** An operation missed its deadline. */
public final class OperationTimeoutException extends McpdException {

    public OperationTimeoutException(String message) {
        super(ErrorCode.TIMEOUT, message, null);
    }

    public OperationTimeoutException(String message, Throwable cause) {
        super(ErrorCode.TIMEOUT, message, cause);
    }
}
