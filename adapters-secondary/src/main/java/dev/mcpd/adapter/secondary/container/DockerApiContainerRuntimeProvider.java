package dev.mcpd.adapter.secondary.container;

import static java.util.Objects.requireNonNull;

import dev.mcpd.domain.port.ContainerRuntime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runtime for a caller's forwarded environment (B-G6): resolves the endpoint with {@link ContainerHostResolver}
 * on every call (a few {@code stat}s, so that a runtime started later is found) and keeps one
 * {@link DockerApiContainerRuntime} per endpoint, for at most {@link #MAX_RUNTIMES} endpoints: past that the least
 * recently used is dropped and closed as soon as its calls in flight end, so that clients sending ever new
 * {@code DOCKER_HOST} values cannot make the daemon keep a pooled HTTP client each until shutdown (review finding 21).
 * Never blocks on the runtime. Closing closes every runtime kept.
 */
public final class DockerApiContainerRuntimeProvider implements Function<Map<String, String>, ContainerRuntime>, AutoCloseable {

    /** The most runtimes (one per endpoint) kept at once; sessions rarely use more than one or two. */
    public static final int MAX_RUNTIMES = 8;

    private static final Logger log = LoggerFactory.getLogger(DockerApiContainerRuntimeProvider.class);

    private final ContainerHostResolver resolver;
    private final DockerApiContainerRuntimeConfig config;
    /** By endpoint, least recently used first; guarded by {@code this}. */
    private final LinkedHashMap<String, DockerApiContainerRuntime> byEndpoint = new LinkedHashMap<>(16, 0.75f, true);
    private boolean closed;

    public DockerApiContainerRuntimeProvider(ContainerHostResolver resolver, DockerApiContainerRuntimeConfig config) {
        this.resolver = requireNonNull(resolver, "resolver is null");
        this.config = requireNonNull(config, "config is null");
    }

    /**
     * @param forwardedEnvironment the client hello's {@code env}; empty when the caller forwarded none
     * @throws IllegalStateException after {@link #close()}
     */
    @Override
    public ContainerRuntime apply(Map<String, String> forwardedEnvironment) {
        ContainerHost host = resolver.resolve(forwardedEnvironment);
        DockerApiContainerRuntime evicted = null;
        DockerApiContainerRuntime runtime;
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("the container runtime provider is closed");
            }
            // A runtime made when nothing usable was found never connects; once its socket appears, the resolver
            // finds it and a connecting runtime is made under the other key.
            String key = host.found() ? host.endpoint() : host.endpoint() + " (none found)";
            runtime = byEndpoint.get(key);
            if (runtime == null) {
                runtime = new DockerApiContainerRuntime(host, config);
                byEndpoint.put(key, runtime);
                if (byEndpoint.size() > MAX_RUNTIMES) {
                    var eldest = byEndpoint.entrySet().iterator();
                    evicted = eldest.next().getValue();
                    eldest.remove();
                }
            }
        }
        if (evicted != null) {
            log.info("more than {} container runtime endpoints in use; dropping the least recently used, {}",
                    MAX_RUNTIMES, evicted.endpoint());
            evicted.closeWhenIdle();
        }
        return runtime;
    }

    /** The endpoints kept, least recently used first. */
    synchronized List<String> endpoints() {
        return List.copyOf(byEndpoint.keySet());
    }

    /** Closes every runtime kept, collecting failures; idempotent. */
    @Override
    public void close() {
        List<DockerApiContainerRuntime> runtimes;
        synchronized (this) {
            closed = true;
            runtimes = new ArrayList<>(byEndpoint.values());
            byEndpoint.clear();
        }
        List<RuntimeException> failures = new ArrayList<>();
        for (DockerApiContainerRuntime runtime : runtimes) {
            try {
                runtime.close();
            } catch (RuntimeException e) {
                failures.add(e);
            }
        }
        if (!failures.isEmpty()) {
            RuntimeException first = failures.getFirst();
            failures.subList(1, failures.size()).forEach(first::addSuppressed);
            throw first;
        }
    }
}
