package dev.mcpd.domain.model.container;

/** What starting a container did. */
public enum StartResult {
    /** It was not running and now is. */
    STARTED,
    /** It was already running; nothing was done (the API's {@code 304 Not Modified}). */
    ALREADY_RUNNING
}
