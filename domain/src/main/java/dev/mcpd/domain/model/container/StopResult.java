package dev.mcpd.domain.model.container;

/** What stopping a container did. */
public enum StopResult {
    /** It was running and has stopped (on SIGTERM, or killed when its stop timeout ran out). */
    STOPPED,
    /** It was not running; nothing was done (the API's {@code 304 Not Modified}). */
    ALREADY_STOPPED
}
