package dev.mcpd.domain.error;

/** Stable error codes of {@link McpdException}; shown in logs and in CLI error output. */
public enum ErrorCode {
    /** Configuration is invalid; the message lists every problem (B-X2). */
    CONFIGURATION,
    /** A line was longer than the configured limit (B-C4). */
    LINE_TOO_LONG,
    /** Bytes that are not the JSON they should be (B-M4, B-X1). */
    MALFORMED_MESSAGE,
    /** An operation did not finish within its deadline. */
    TIMEOUT,
    /** The peer closed its end in an orderly way. */
    PEER_CLOSED,
    /** The peer broke the mcpd wire protocol (bad hello, wrong version, wrong token). */
    PROTOCOL_VIOLATION
}
