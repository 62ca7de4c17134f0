package dev.mcpd.application.containers;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Settings of the containers engine (keys {@code engines.containers.*}).
 *
 * @param operationTimeout how long one runtime call may take, except stop and restart (default 30 s); the call's own
 *        deadline wins when it is earlier
 * @param stopMargin added to a stop's or restart's timeout to make its deadline (default 10 s), so that the runtime
 *        can kill the container and answer (B-B2)
 * @param defaultStopTimeout the stop timeout when a call gives none (default 10 s, Docker's own default)
 * @param maxStopTimeout the largest {@code timeout_seconds} a call may ask for (default 10 min)
 * @param defaultLogTail the lines {@code container_logs} returns when a call gives no {@code tail} (default 100)
 * @param maxLogTail the largest {@code tail} a call may ask for (default 10 000)
 * @param maxLogChars the most characters of output {@code container_logs} returns; older lines beyond it are dropped
 *        (default 1 000 000)
 */
public record ContainerEngineConfig(
        Duration operationTimeout,
        Duration stopMargin,
        Duration defaultStopTimeout,
        Duration maxStopTimeout,
        int defaultLogTail,
        int maxLogTail,
        int maxLogChars) {

    public ContainerEngineConfig {
        requireNonNull(operationTimeout, "operationTimeout is null");
        requireNonNull(stopMargin, "stopMargin is null");
        requireNonNull(defaultStopTimeout, "defaultStopTimeout is null");
        requireNonNull(maxStopTimeout, "maxStopTimeout is null");
        List<String> problems = new ArrayList<>();
        if (!operationTimeout.isPositive()) {
            problems.add("engines.containers.operation-timeout must be positive: " + operationTimeout);
        }
        if (stopMargin.isNegative()) {
            problems.add("engines.containers.stop-margin must not be negative: " + stopMargin);
        }
        if (defaultStopTimeout.isNegative() || defaultStopTimeout.compareTo(maxStopTimeout) > 0) {
            problems.add("engines.containers.default-stop-timeout must be between 0 and max-stop-timeout ("
                    + maxStopTimeout + "): " + defaultStopTimeout);
        }
        if (defaultLogTail < 0 || defaultLogTail > maxLogTail) {
            problems.add("engines.containers.default-log-tail must be between 0 and max-log-tail (" + maxLogTail
                    + "): " + defaultLogTail);
        }
        if (maxLogChars < 1) {
            problems.add("engines.containers.max-log-chars must be at least 1: " + maxLogChars);
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
    }

    /** The documented defaults. */
    public static ContainerEngineConfig defaults() {
        return new ContainerEngineConfig(Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofSeconds(10),
                Duration.ofMinutes(10), 100, 10_000, 1_000_000);
    }
}
