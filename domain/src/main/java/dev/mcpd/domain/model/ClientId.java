package dev.mcpd.domain.model;

/**
 * The daemon-local identity of one client connection, assigned at accept (B-L1) and never reused
 * within a daemon's life.
 *
 * @param value a positive sequence number
 */
public record ClientId(long value) {

    public ClientId {
        if (value <= 0) {
            throw new IllegalArgumentException("client id must be positive, was " + value);
        }
    }

    @Override
    public String toString() {
        return "client-" + value;
    }
}
