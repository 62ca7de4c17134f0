package dev.mcpd.application.hyperd;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * Settings of the hyperd engine.
 *
 * @param statementTimeout how long one SQL operation may take (default 5 min); the call's own deadline wins when it
 *        is earlier (B-B3)
 * @param statusTimeout how long {@code hyperd_status} may take; it reads counters only (default 1 s)
 * @param defaultMaxRows the rows {@code query} returns when a call gives no {@code max_rows} (default 100)
 * @param maxMaxRows the largest {@code max_rows} a call may ask for (default 10 000)
 * @param maxTextChars the most characters of the text table {@code query} returns; rows beyond are left out of the
 *        text, not of {@code structuredContent} (default 100 000)
 */
public record HyperdEngineConfig(
        Duration statementTimeout, Duration statusTimeout, int defaultMaxRows, int maxMaxRows, int maxTextChars) {

    public HyperdEngineConfig {
        requireNonNull(statementTimeout, "statementTimeout is null");
        requireNonNull(statusTimeout, "statusTimeout is null");
        if (!statementTimeout.isPositive()) {
            throw new IllegalArgumentException("engines.hyperd.statement-timeout must be positive: " + statementTimeout);
        }
        if (defaultMaxRows < 1 || defaultMaxRows > maxMaxRows) {
            throw new IllegalArgumentException("engines.hyperd.default-max-rows must be between 1 and max-max-rows ("
                    + maxMaxRows + "): " + defaultMaxRows);
        }
        if (maxTextChars < 100) {
            throw new IllegalArgumentException("engines.hyperd.max-text-chars must be at least 100: " + maxTextChars);
        }
    }

    /** The documented defaults. */
    public static HyperdEngineConfig defaults() {
        return new HyperdEngineConfig(Duration.ofMinutes(5), Duration.ofSeconds(1), 100, 10_000, 100_000);
    }
}
