package dev.mcpd.adapter.secondary.container;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * Settings of {@link DockerApiContainerRuntime} (keys {@code container-runtime.*}).
 *
 * @param connectTimeout how long connecting to the runtime may take (default 2 s; B-B1): a runtime that is down
 *        (no socket, connection refused) fails at once, and an unreachable TCP host within this
 * @param negotiationTimeout how long the first call's API version negotiation ({@code GET /version}) may take once
 *        connected (default 30 s), so that a runtime that accepts connections but never answers is reported as
 *        unreachable, while a slow one (a loaded machine, a Podman service starting on socket activation) is waited
 *        for; the call's own deadline still applies when it is sooner
 * @param maxConnections the most connections kept open to one runtime (default 32)
 */
public record DockerApiContainerRuntimeConfig(Duration connectTimeout, Duration negotiationTimeout, int maxConnections) {

    public DockerApiContainerRuntimeConfig {
        requireNonNull(connectTimeout, "connectTimeout is null");
        requireNonNull(negotiationTimeout, "negotiationTimeout is null");
        if (!connectTimeout.isPositive() || !negotiationTimeout.isPositive() || maxConnections < 1) {
            throw new IllegalArgumentException("container-runtime timeouts must be positive and max-connections at "
                    + "least 1: " + connectTimeout + ", " + negotiationTimeout + ", " + maxConnections);
        }
    }

    /** The documented defaults. */
    public static DockerApiContainerRuntimeConfig defaults() {
        return new DockerApiContainerRuntimeConfig(Duration.ofSeconds(2), Duration.ofSeconds(30), 32);
    }
}
