package dev.mcpd.adapter.secondary.container;

import static java.util.Objects.requireNonNull;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Version;
import com.github.dockerjava.api.model.VersionComponent;
import com.github.dockerjava.core.RemoteApiVersion;
import dev.mcpd.domain.model.container.RuntimeInfo;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Docker Engine API version one runtime endpoint is spoken to in (B-B1): the first call asks {@code GET /version}
 * unversioned, then uses the lower of the runtime's {@code ApiVersion} and {@link #NEWEST_API_VERSION}, raised to its
 * {@code MinAPIVersion} if need be (Podman 4 reports 1.41; Docker 29 requires at least 1.44).
 *
 * <p>The negotiation is done once per endpoint and kept; racing first calls may both ask, which is harmless: the
 * first answer kept wins and the others use it. No lock.
 */
final class ApiVersionNegotiation {

    /** The newest Docker Engine API version this adapter speaks (docker-java 3.7's newest). */
    static final RemoteApiVersion NEWEST_API_VERSION = RemoteApiVersion.VERSION_1_44;

    private static final Logger log = LoggerFactory.getLogger(ApiVersionNegotiation.class);

    /** A client pinned to the negotiated version, and what the runtime said about itself. */
    record Negotiated(DockerClient client, RuntimeInfo info) {}

    private final ContainerHost host;
    private final Function<RemoteApiVersion, DockerClient> clients;
    private final DockerClient unversioned;
    private final AtomicReference<Negotiated> negotiated = new AtomicReference<>();

    /**
     * @param host the endpoint and how it was chosen, for {@link RuntimeInfo} and the log
     * @param clients a client speaking the given version ({@link RemoteApiVersion#UNKNOWN_VERSION}: unversioned paths)
     */
    ApiVersionNegotiation(ContainerHost host, Function<RemoteApiVersion, DockerClient> clients) {
        this.host = requireNonNull(host, "host is null");
        this.clients = requireNonNull(clients, "clients is null");
        this.unversioned = clients.apply(RemoteApiVersion.UNKNOWN_VERSION);
    }

    /** The negotiated client, or {@code null} until a negotiation has succeeded. */
    Negotiated current() {
        return negotiated.get();
    }

    /**
     * Asks {@code GET /version} (blocking, no deadline of its own: the caller bounds it) and keeps the first answer.
     *
     * @throws RuntimeException docker-java's, when the runtime cannot be asked or answers with an error
     */
    Negotiated negotiate() {
        Version version = unversioned.versionCmd().exec();
        RemoteApiVersion api = chooseApiVersion(version.getApiVersion(), version.getMinAPIVersion());
        RuntimeInfo info = new RuntimeInfo(host.endpoint(), host.source(), productName(version),
                DockerModelMapper.nonNull(version.getVersion(), "unknown"),
                api == RemoteApiVersion.UNKNOWN_VERSION ? "unknown" : api.getVersion());
        Negotiated fresh = new Negotiated(clients.apply(api), info);
        if (negotiated.compareAndSet(null, fresh)) {
            log.info("container runtime at {} ({}): {} {}, API {}", host.endpoint(), host.source(), info.name(),
                    info.version(), info.apiVersion());
            return fresh;
        }
        return negotiated.get();
    }

    /** min(runtime's newest, ours), raised to the runtime's oldest if ours is older still. */
    static RemoteApiVersion chooseApiVersion(String runtimeNewest, String runtimeOldest) {
        RemoteApiVersion newest = RemoteApiVersion.parseConfigWithDefault(runtimeNewest);
        if (newest == RemoteApiVersion.UNKNOWN_VERSION) {
            return RemoteApiVersion.UNKNOWN_VERSION;
        }
        RemoteApiVersion chosen = newest.isGreater(NEWEST_API_VERSION) ? NEWEST_API_VERSION : newest;
        RemoteApiVersion oldest = RemoteApiVersion.parseConfigWithDefault(runtimeOldest);
        if (oldest != RemoteApiVersion.UNKNOWN_VERSION && oldest.isGreater(chosen)) {
            chosen = oldest;
        }
        return chosen;
    }

    private static String productName(Version version) {
        List<VersionComponent> components = version.getComponents() == null ? List.of() : version.getComponents();
        for (VersionComponent component : components) {
            if (component.getName() != null && component.getName().contains("Podman")) {
                return component.getName();
            }
        }
        String platform = version.getPlatform() == null ? null : version.getPlatform().getName();
        if (platform != null && !platform.isBlank() && !platform.contains("/")) {
            return platform;
        }
        return components.isEmpty() || components.getFirst().getName() == null ? "Docker Engine"
                : components.getFirst().getName();
    }
}
