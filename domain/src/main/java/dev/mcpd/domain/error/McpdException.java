package dev.mcpd.domain.error;

import static java.util.Objects.requireNonNull;

/**
 * The root of mcpd's typed errors (house rule 12). Each subtype carries an {@link ErrorCode}, so that callers
 * can tell a peer that closed from a broken pipe from a timeout without parsing messages.
 */
public abstract sealed class McpdException extends RuntimeException
        permits ConfigurationException, LineTooLongException, MalformedMessageException, OperationTimeoutException,
                PeerClosedException, ProtocolViolationException {

    private final ErrorCode code;

    protected McpdException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = requireNonNull(code, "code is null");
    }

    public ErrorCode code() {
        return code;
    }
}
