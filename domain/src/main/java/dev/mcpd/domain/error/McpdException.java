package dev.mcpd.domain.error;

import static java.util.Objects.requireNonNull;

/**
 * The root of mcpd's typed errors (house rule 12). Each subtype carries an {@link ErrorCode}, so that callers
 * can tell a malformed message from a wire-protocol violation from a backend that is gone without parsing messages.
 * Failures of the backends mcpd drives (container runtime, hyperd) are the {@link BackendException} family.
 */
public abstract sealed class McpdException extends RuntimeException
        permits BackendException, ConfigurationException, LineTooLongException, MalformedMessageException,
                ProtocolViolationException {

    private final ErrorCode code;

    protected McpdException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = requireNonNull(code, "code is null");
    }

    /** What kind of failure this is; stable across releases. */
    public ErrorCode code() {
        return code;
    }
}
