package dev.mcpd.domain.model.container;

import java.time.Instant;

/**
 * Which lines of a container's output to read (as {@code docker logs --tail N --since T --timestamps}).
 *
 * @param tail the number of lines to return counted from the end, or {@code null} for all
 * @param since only lines written at or after this instant, or {@code null} for no bound; the Docker Engine API
 *        takes whole seconds, so the bound is rounded down to the second
 * @param timestamps whether each line carries its {@link LogLine#timestamp()}
 */
public record LogQuery(Integer tail, Instant since, boolean timestamps) {

    public LogQuery {
        if (tail != null && tail < 0) {
            throw new IllegalArgumentException("tail must be at least 0: " + tail);
        }
    }

    /** Every line, without timestamps. */
    public static LogQuery all() {
        return new LogQuery(null, null, false);
    }

    /** The last {@code tail} lines, without timestamps. */
    public static LogQuery last(int tail) {
        return new LogQuery(tail, null, false);
    }
}
