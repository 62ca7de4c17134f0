package dev.mcpd.adapter.secondary.container;

import static java.util.Objects.requireNonNull;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.CreateContainerResponse;
import com.github.dockerjava.api.command.LogContainerCmd;
import com.github.dockerjava.api.command.SyncDockerCmd;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.HostConfig;
import dev.mcpd.domain.error.ContainerRuntimeException;
import dev.mcpd.domain.model.Availability;
import dev.mcpd.domain.model.container.ContainerDetails;
import dev.mcpd.domain.model.container.ContainerFilter;
import dev.mcpd.domain.model.container.ContainerRunSpec;
import dev.mcpd.domain.model.container.ContainerSummary;
import dev.mcpd.domain.model.container.ImageSummary;
import dev.mcpd.domain.model.container.LabelSelector;
import dev.mcpd.domain.model.container.LogLine;
import dev.mcpd.domain.model.container.LogQuery;
import dev.mcpd.domain.model.container.RunResult;
import dev.mcpd.domain.model.container.RuntimeInfo;
import dev.mcpd.domain.model.container.StartResult;
import dev.mcpd.domain.model.container.StopResult;
import dev.mcpd.domain.port.ContainerRuntime;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/**
 * {@link ContainerRuntime} over the Docker Engine API (Docker, or Podman's Docker-compatible service) with
 * docker-java and its Apache HttpClient 5 transport, over a Unix socket or TCP (B-B1, B-B2, B-B4).
 *
 * <p>How the port's invariants hold here:
 * <ol>
 *   <li>Deadlines, and a runtime that is down told from one that is slow: {@link DockerCalls} (every call goes
 *       through it, on a virtual thread bounded by the caller's deadline).
 *   <li>API version: the first call negotiates it ({@link ApiVersionNegotiation}; Podman 4 reports 1.41, Docker 29
 *       requires at least 1.44).
 *   <li>Errors: docker-java's exceptions become the port's, Podman's HTTP 500 conflicts included
 *       ({@link DockerErrors}); docker-java's model objects become the port's records ({@link DockerModelMapper}).
 *   <li>{@code run} is {@code docker run} without its leftovers: a container that was created but could not be
 *       started is removed before the failure is reported.
 *   <li>No lock: calls share a pooled HTTP client.
 * </ol>
 */
public final class DockerApiContainerRuntime implements ContainerRuntime, AutoCloseable {

    private final ContainerHost host;
    private final DockerCalls calls;

    public DockerApiContainerRuntime(ContainerHost host, DockerApiContainerRuntimeConfig config) {
        this.host = requireNonNull(host, "host is null");
        this.calls = new DockerCalls(host, requireNonNull(config, "config is null"));
    }

    /** {@inheritDoc} Unavailable while the socket file is missing, or since the last call found it unreachable. */
    @Override
    public Availability availability() {
        return calls.availability();
    }

    @Override
    public List<ContainerSummary> listContainers(ContainerFilter filter, Instant deadline) throws InterruptedException {
        requireNonNull(filter, "filter is null");
        return calls.call("list", null, deadline, (client, info) -> {
            var command = client.listContainersCmd().withShowAll(filter.all());
            if (!filter.labels().isEmpty()) {
                command.withLabelFilter(filter.labels().stream().map(LabelSelector::filterValue).toList());
            }
            return command.exec().stream()
                    .map(DockerModelMapper::summary)
                    .sorted(Comparator.comparing(ContainerSummary::created).reversed())
                    .toList();
        });
    }

    @Override
    public RuntimeInfo runtimeInfo(Instant deadline) throws InterruptedException {
        return calls.call("version", null, deadline, (client, info) -> info);
    }

    @Override
    public ContainerDetails inspectContainer(String container, Instant deadline) throws InterruptedException {
        requireNonNull(container, "container is null");
        return calls.call("inspect", container, deadline,
                (client, info) -> DockerModelMapper.details(client.inspectContainerCmd(container).exec()));
    }

    @Override
    public RunResult runContainer(ContainerRunSpec spec, Instant deadline) throws InterruptedException {
        requireNonNull(spec, "spec is null");
        return calls.call("run", spec.image(), deadline, (client, info) -> {
            HostConfig hostConfig = HostConfig.newHostConfig().withAutoRemove(spec.autoRemove());
            if (spec.init()) {
                hostConfig.withInit(true);
            }
            if (spec.network() != null) {
                hostConfig.withNetworkMode(spec.network());
            }
            CreateContainerCmd create = client.createContainerCmd(spec.image())
                    .withLabels(spec.labels())
                    .withHostConfig(hostConfig);
            if (spec.name() != null) {
                create.withName(spec.name());
            }
            if (!spec.command().isEmpty()) {
                create.withCmd(spec.command());
            }
            if (!spec.env().isEmpty()) {
                create.withEnv(spec.env().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
            }
            CreateContainerResponse created;
            try {
                created = create.exec();
            } catch (NotFoundException e) {
                throw new ContainerRuntimeException.NoSuchImage(spec.image());
            }
            try {
                client.startContainerCmd(created.getId()).exec();
            } catch (RuntimeException startFailure) {
                // Like `docker run` but without leaving a created, never-started container behind.
                try {
                    client.removeContainerCmd(created.getId()).withForce(true).exec();
                } catch (RuntimeException cleanupFailure) {
                    startFailure.addSuppressed(cleanupFailure);
                }
                if (startFailure instanceof NotFoundException notFound) {
                    throw new ContainerRuntimeException.Failure(404, "the container was created but could not be "
                            + "started: " + DockerErrors.runtimeMessage(notFound), notFound);
                }
                throw startFailure;
            }
            String[] warnings = created.getWarnings();
            return new RunResult(created.getId(), warnings == null ? List.of() : Arrays.asList(warnings));
        });
    }

    @Override
    public StartResult startContainer(String container, Instant deadline) throws InterruptedException {
        requireNonNull(container, "container is null");
        return unlessNotModified("start", container, deadline, client -> client.startContainerCmd(container),
                StartResult.STARTED, StartResult.ALREADY_RUNNING);
    }

    @Override
    public StopResult stopContainer(String container, Duration timeout, Instant deadline) throws InterruptedException {
        requireNonNull(container, "container is null");
        int seconds = wholeSeconds(timeout);
        return unlessNotModified("stop", container, deadline,
                client -> client.stopContainerCmd(container).withTimeout(seconds),
                StopResult.STOPPED, StopResult.ALREADY_STOPPED);
    }

    @Override
    public void restartContainer(String container, Duration timeout, Instant deadline) throws InterruptedException {
        requireNonNull(container, "container is null");
        int seconds = wholeSeconds(timeout);
        calls.call("restart", container, deadline, (client, info) -> {
            client.restartContainerCmd(container).withTimeout(seconds).exec();
            return null;
        });
    }

    @Override
    public void removeContainer(String container, boolean force, Instant deadline) throws InterruptedException {
        requireNonNull(container, "container is null");
        calls.call("remove", container, deadline, (client, info) -> {
            client.removeContainerCmd(container).withForce(force).exec();
            return null;
        });
    }

    @Override
    public List<LogLine> containerLogs(String container, LogQuery query, Instant deadline) throws InterruptedException {
        requireNonNull(container, "container is null");
        requireNonNull(query, "query is null");
        return calls.call("logs", container, deadline, (client, info) -> {
            LogContainerCmd command = client.logContainerCmd(container)
                    .withStdOut(true)
                    .withStdErr(true)
                    .withTimestamps(query.timestamps());
            if (query.tail() == null) {
                command.withTailAll();
            } else {
                command.withTail(query.tail());
            }
            if (query.since() != null) {
                command.withSince((int) Math.max(0, Math.min(Integer.MAX_VALUE, query.since().getEpochSecond())));
            }
            return command.exec(new MultiplexedLogCollector(query.timestamps())).await();
        });
    }

    @Override
    public List<ImageSummary> listImages(Instant deadline) throws InterruptedException {
        return calls.call("images", null, deadline, (client, info) -> client.listImagesCmd().exec().stream()
                .map(DockerModelMapper::image)
                .sorted(Comparator.comparing(ImageSummary::created).reversed())
                .toList());
    }

    /** Runs a command whose HTTP 304 (Not Modified) is an answer: the container already was where it was sent. */
    private <R> R unlessNotModified(String operation, String container, Instant deadline,
            Function<DockerClient, SyncDockerCmd<Void>> command, R done, R already) throws InterruptedException {
        return calls.call(operation, container, deadline, (client, info) -> {
            try {
                command.apply(client).exec();
                return done;
            } catch (NotModifiedException notModified) {
                return already;
            }
        });
    }

    /** {@inheritDoc} {@code unix://<path>} or {@code tcp://<host>:<port>}, as the resolver chose it. */
    @Override
    public String endpoint() {
        return host.endpoint();
    }

    /** The endpoint and how it was chosen. */
    public ContainerHost host() {
        return host;
    }

    /**
     * Closes the HTTP client once no call is in flight: at once when idle, else when the last call ends. Later calls
     * fail as unreachable. Used when the provider drops this runtime (review finding 21). Idempotent.
     */
    void closeWhenIdle() {
        calls.closeWhenIdle();
    }

    /** Closes the HTTP client and its pooled connections; idempotent. */
    @Override
    public void close() {
        calls.close();
    }

    private static int wholeSeconds(Duration timeout) {
        requireNonNull(timeout, "timeout is null");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("a stop timeout cannot be negative: " + timeout);
        }
        long seconds = timeout.toSeconds() + (timeout.toNanosPart() > 0 ? 1 : 0);
        return (int) Math.min(Integer.MAX_VALUE, seconds);
    }
}
