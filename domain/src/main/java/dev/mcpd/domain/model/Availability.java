package dev.mcpd.domain.model;

import static java.util.Objects.requireNonNull;

/**
 * Whether a transport or engine can run here, and if not, why (house rule 5: availability is a value).
 *
 * @param isAvailable true when usable
 * @param reason why it is not usable, with what to do about it; empty when available
 */
public record Availability(boolean isAvailable, String reason) {

    private static final Availability AVAILABLE = new Availability(true, "");

    public Availability {
        requireNonNull(reason, "reason is null");
        if (!isAvailable && reason.isBlank()) {
            throw new IllegalArgumentException("an unavailable component must say why");
        }
    }

    public static Availability available() {
        return AVAILABLE;
    }

    public static Availability unavailable(String reason) {
        return new Availability(false, reason);
    }

    @Override
    public String toString() {
        return isAvailable ? "available" : "unavailable: " + reason;
    }
}
