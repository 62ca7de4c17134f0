package dev.mcpd.domain.error;

/** Stable error codes of {@link McpdException}; shown in logs and in CLI error output. */
public enum ErrorCode {
    /** Configuration is invalid; the message lists every problem (B-X2). */
    CONFIGURATION,
    /** A line was longer than the configured limit (B-C4). */
    LINE_TOO_LONG,
    /** Bytes that are not the JSON they should be (B-M4, B-X1). */
    MALFORMED_MESSAGE,
    /** The peer broke the mcpd wire protocol (bad hello, wrong version, wrong token, another user's socket). */
    PROTOCOL_VIOLATION,
    /** A backend has no such thing: a container, an image or a table named by the caller (HTTP 404). */
    NOT_FOUND,
    /** The request clashes with a backend's state: a name in use, a running container removed without force. */
    CONFLICT,
    /**
     * The backend is gone: nothing answers at its endpoint, it could not be started, or the connection broke
     * mid-operation (B-B4).
     */
    BACKEND_UNAVAILABLE,
    /** A backend did not answer within the call's deadline (B-B2, B-B4). */
    DEADLINE_EXCEEDED,
    /** The backend refused or failed the operation and said why (an HTTP error, an SQL error). */
    BACKEND_FAILURE
}
