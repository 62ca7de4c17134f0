package dev.mcpd.domain.policy;

/** How urgently a daemon should expire, in increasing order (as Gradle's daemon expiration, B-L6). */
public enum ExpirationStatus {
    /** Keep running. */
    DO_NOT_EXPIRE,
    /** Stop when convenient: drain, then exit. */
    GRACEFUL_EXPIRE,
    /** Stop now: something the daemon depends on is gone. */
    IMMEDIATE_EXPIRE
}
