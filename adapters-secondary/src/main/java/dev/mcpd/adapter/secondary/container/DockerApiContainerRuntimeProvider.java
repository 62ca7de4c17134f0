package dev.mcpd.adapter.secondary.container;

import static java.util.Objects.requireNonNull;

import dev.mcpd.domain.port.ContainerRuntime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The runtime for a caller's forwarded environment (B-G6): resolves the endpoint with {@link ContainerHostResolver}
 * on every call (a few {@code stat}s, so that a runtime started later is found) and keeps one
 * {@link DockerApiContainerRuntime} per endpoint. Never blocks on the runtime. Closing closes every runtime made.
 */
public final class DockerApiContainerRuntimeProvider implements Function<Map<String, String>, ContainerRuntime>, AutoCloseable {

    private final ContainerHostResolver resolver;
    private final DockerApiContainerRuntimeConfig config;
    private final Map<String, DockerApiContainerRuntime> byEndpoint = new ConcurrentHashMap<>();
    private volatile boolean closed;

    public DockerApiContainerRuntimeProvider(ContainerHostResolver resolver, DockerApiContainerRuntimeConfig config) {
        this.resolver = requireNonNull(resolver, "resolver is null");
        this.config = requireNonNull(config, "config is null");
    }

    /**
     * @param forwardedEnvironment the client hello's {@code env}; empty for the daemon's own environment
     * @throws IllegalStateException after {@link #close()}
     */
    @Override
    public ContainerRuntime apply(Map<String, String> forwardedEnvironment) {
        if (closed) {
            throw new IllegalStateException("the container runtime provider is closed");
        }
        ContainerHost host = resolver.resolve(forwardedEnvironment);
        return byEndpoint.computeIfAbsent(host.endpoint(), endpoint -> new DockerApiContainerRuntime(host, config));
    }

    /** Closes every runtime made, collecting failures; idempotent. */
    @Override
    public void close() {
        closed = true;
        List<RuntimeException> failures = new ArrayList<>();
        for (DockerApiContainerRuntime runtime : byEndpoint.values()) {
            try {
                runtime.close();
            } catch (RuntimeException e) {
                failures.add(e);
            }
        }
        byEndpoint.clear();
        if (!failures.isEmpty()) {
            RuntimeException first = failures.getFirst();
            failures.subList(1, failures.size()).forEach(first::addSuppressed);
            throw first;
        }
    }
}
