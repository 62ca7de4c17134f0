package dev.mcpd.domain.model.container;

import java.util.Locale;

/**
 * The state of a container as the Docker Engine API reports it ({@code State.Status} of
 * {@code GET /containers/{id}/json}, {@code State} of {@code GET /containers/json}).
 */
public enum ContainerState {
    CREATED,
    RUNNING,
    PAUSED,
    RESTARTING,
    REMOVING,
    EXITED,
    DEAD,
    /** A state this version of mcpd does not know; the raw word is kept where the value is shown. */
    UNKNOWN;

    /**
     * Parses the API's word, case-insensitively. Podman's own words ({@code configured}, {@code initialized},
     * {@code stopped}) map to their Docker equivalents.
     *
     * @return the state, {@link #UNKNOWN} for {@code null} or an unknown word
     */
    public static ContainerState parse(String word) {
        if (word == null) {
            return UNKNOWN;
        }
        return switch (word.toLowerCase(Locale.ROOT)) {
            case "created", "configured", "initialized" -> CREATED;
            case "running" -> RUNNING;
            case "paused" -> PAUSED;
            case "restarting" -> RESTARTING;
            case "removing" -> REMOVING;
            case "exited", "stopped", "stopping" -> EXITED;
            case "dead" -> DEAD;
            default -> UNKNOWN;
        };
    }

    /** The lower-case word used by the API and in tool output, e.g. {@code running}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether a process of the container may be running (running, paused or restarting). */
    public boolean isActive() {
        return this == RUNNING || this == PAUSED || this == RESTARTING;
    }
}
