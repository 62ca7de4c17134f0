package dev.mcpd.adapter.secondary.container;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * The container runtime endpoint chosen by {@link ContainerHostResolver}, and how.
 *
 * @param endpoint a Docker host URI: {@code unix:///path/to.sock} or {@code tcp://host:port}
 * @param source which rule chose it: {@code DOCKER_HOST}, {@code MCPD_CONTAINER_HOST}, {@code default path}, or
 *        {@code none found} when no candidate exists (the endpoint is then the first candidate)
 * @param found whether the endpoint's socket existed when resolved ({@code true} for TCP)
 * @param tried every candidate considered, in order, each with why it was skipped if it was
 */
public record ContainerHost(String endpoint, String source, boolean found, List<String> tried) {

    public ContainerHost {
        requireNonNull(endpoint, "endpoint is null");
        requireNonNull(source, "source is null");
        tried = List.copyOf(requireNonNull(tried, "tried is null"));
    }

    /** An endpoint given directly, e.g. by a test or a config file. */
    public static ContainerHost of(String endpoint, String source) {
        return new ContainerHost(endpoint, source, true, List.of(endpoint));
    }

    /** The socket path of a {@code unix://} endpoint, or {@code null} for another scheme. */
    public String socketPath() {
        return endpoint.startsWith("unix://") ? endpoint.substring("unix://".length()) : null;
    }
}
