package dev.mcpd.domain.model.container;

import java.util.Locale;

/** Which output stream of a container a log line came from. */
public enum LogStream {
    STDOUT,
    STDERR;

    /** {@code stdout} or {@code stderr}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
