package dev.mcpd.domain.model.hyperd;

import java.util.Locale;

/**
 * Where the supervised hyperd is in its life (B-B3, B-E1, B-E3), as {@code hyperd_status} reports it in
 * {@link HyperdStatus#state()}.
 */
public enum HyperdState {
    /** No SQL call yet: hyperd starts on the first one. */
    NOT_STARTED,
    /** The first start is under way. */
    STARTING,
    /** hyperd called back and serves connections. */
    RUNNING,
    /** hyperd exited unexpectedly and is being started again. */
    RESTARTING,
    /** hyperd failed to start, or exited more often than the restart limit allows; the last error says why. */
    FAILED,
    /** The client was closed and hyperd stopped (mcpd is shutting down). */
    STOPPED,
    /** No hyperd binary was found; the last error says where mcpd looked. */
    UNAVAILABLE;

    /** The lower-case word tools print and return, e.g. {@code not_started}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
