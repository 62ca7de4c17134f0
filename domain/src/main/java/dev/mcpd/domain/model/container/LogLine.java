package dev.mcpd.domain.model.container;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * One line of a container's output, without its line terminator.
 *
 * @param stream where it was written (a container with a TTY writes everything to {@link LogStream#STDOUT})
 * @param timestamp when the runtime received it, or {@code null} unless timestamps were asked for
 * @param text the line, decoded as UTF-8 (malformed bytes replaced)
 */
public record LogLine(LogStream stream, Instant timestamp, String text) {

    public LogLine {
        requireNonNull(stream, "stream is null");
        requireNonNull(text, "text is null");
    }
}
