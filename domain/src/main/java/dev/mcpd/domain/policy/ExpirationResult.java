package dev.mcpd.domain.policy;

import static java.util.Objects.requireNonNull;

/**
 * A policy's decision with its reason (B-L6).
 *
 * @param status how urgently to expire
 * @param reason why, in words for the log and {@code daemon status}; empty when not expiring
 */
public record ExpirationResult(ExpirationStatus status, String reason) {

    public static final ExpirationResult DO_NOT_EXPIRE = new ExpirationResult(ExpirationStatus.DO_NOT_EXPIRE, "");

    public ExpirationResult {
        requireNonNull(status, "status is null");
        requireNonNull(reason, "reason is null");
    }

    public static ExpirationResult graceful(String reason) {
        return new ExpirationResult(ExpirationStatus.GRACEFUL_EXPIRE, reason);
    }

    public static ExpirationResult immediate(String reason) {
        return new ExpirationResult(ExpirationStatus.IMMEDIATE_EXPIRE, reason);
    }

    public boolean expires() {
        return status != ExpirationStatus.DO_NOT_EXPIRE;
    }
}
