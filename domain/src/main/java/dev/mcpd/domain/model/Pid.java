package dev.mcpd.domain.model;

import java.time.Instant;
import java.util.Optional;

/**
 * A process identity: the operating-system pid together with the instant the process started.
 *
 * <p>Pids are reused by the kernel, so a pid alone does not name a process. Two {@code Pid}s denote the same
 * process only when both the number and the start instant match (B-L2). A start instant of {@code null}
 * means the platform could not tell; such a pid is never judged dead by a sweep (B-L3).
 *
 * @param value the operating-system process id, positive
 * @param startedAt when the process started, truncated to the precision the platform reports; {@code null} if unknown
 */
public record Pid(long value, Instant startedAt) {

    public Pid {
        if (value <= 0) {
            throw new IllegalArgumentException("pid must be positive, was " + value);
        }
    }

    /** A pid whose start instant is not known. */
    public static Pid unverified(long value) {
        return new Pid(value, null);
    }

    /** The start instant, if the platform reported one. */
    public Optional<Instant> start() {
        return Optional.ofNullable(startedAt);
    }

    /**
     * Whether {@code other} is the same process as this one.
     *
     * @return true when the numbers match and either start instant is unknown or both are equal
     */
    public boolean sameProcessAs(Pid other) {
        if (other == null || other.value != value) {
            return false;
        }
        return startedAt == null || other.startedAt == null || startedAt.equals(other.startedAt);
    }

    @Override
    public String toString() {
        return startedAt == null ? Long.toString(value) : value + "@" + startedAt;
    }
}
