package dev.mcpd.domain.model.container;

import static java.util.Objects.requireNonNull;

/**
 * Which container runtime a {@code ContainerRuntime} talks to (shown by {@code daemon_status} and
 * {@code mcpd doctor}).
 *
 * @param endpoint where it is reached, e.g. {@code unix:///run/podman/podman.sock}
 * @param source how that endpoint was chosen, e.g. {@code DOCKER_HOST}, {@code MCPD_CONTAINER_HOST},
 *        {@code default path}
 * @param name the runtime's product name, e.g. {@code Podman Engine} or {@code Docker Engine - Community}
 * @param version the runtime's version, e.g. {@code 4.3.1}
 * @param apiVersion the Docker Engine API version in use after negotiation, e.g. {@code 1.41}
 */
public record RuntimeInfo(String endpoint, String source, String name, String version, String apiVersion) {

    public RuntimeInfo {
        requireNonNull(endpoint, "endpoint is null");
        requireNonNull(source, "source is null");
        requireNonNull(name, "name is null");
        requireNonNull(version, "version is null");
        requireNonNull(apiVersion, "apiVersion is null");
    }
}
