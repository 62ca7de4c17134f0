package dev.mcpd.adapter.secondary.container;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.CreateContainerResponse;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.command.LogContainerCmd;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Image;
import com.github.dockerjava.api.model.StreamType;
import com.github.dockerjava.api.model.Version;
import com.github.dockerjava.api.model.VersionComponent;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.core.RemoteApiVersion;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import com.github.dockerjava.transport.DockerHttpClient;
import dev.mcpd.domain.error.ContainerRuntimeException;
import dev.mcpd.domain.model.Availability;
import dev.mcpd.domain.model.container.ContainerDetails;
import dev.mcpd.domain.model.container.ContainerFilter;
import dev.mcpd.domain.model.container.ContainerRunSpec;
import dev.mcpd.domain.model.container.ContainerState;
import dev.mcpd.domain.model.container.ContainerSummary;
import dev.mcpd.domain.model.container.ImageSummary;
import dev.mcpd.domain.model.container.LabelSelector;
import dev.mcpd.domain.model.container.LogLine;
import dev.mcpd.domain.model.container.LogQuery;
import dev.mcpd.domain.model.container.LogStream;
import dev.mcpd.domain.model.container.RunResult;
import dev.mcpd.domain.model.container.RuntimeInfo;
import dev.mcpd.domain.model.container.StartResult;
import dev.mcpd.domain.model.container.StopResult;
import dev.mcpd.domain.port.ContainerRuntime;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ContainerRuntime} over the Docker Engine API (Docker, or Podman's Docker-compatible service) with
 * docker-java and its Apache HttpClient 5 transport, over a Unix socket or TCP (B-B1, B-B2, B-B4).
 *
 * <p>How the port's invariants hold here:
 * <ol>
 *   <li>Deadlines: each call runs on its own virtual thread and the caller waits at most until the deadline; then the
 *       thread is interrupted, which closes its socket channel and so abandons the HTTP request. docker-java's and
 *       HttpClient's own timeouts are not relied on: socket read timeouts do not apply to the JDK Unix socket channel
 *       docker-java uses, and a stop may legitimately take its whole stop timeout.
 *   <li>Down versus slow (issue 10): a missing socket file fails before any I/O and a refused connection fails at
 *       connect, both at once; a TCP connect is bounded by {@link DockerApiContainerRuntimeConfig#connectTimeout()}.
 *       A runtime that accepted the connection is only slow: the first call's {@code GET /version} is waited for
 *       until the call's deadline, or {@link DockerApiContainerRuntimeConfig#negotiationTimeout()} (30 s) if that
 *       comes first, and only then called unreachable. Each error names the endpoint.
 *   <li>API version: the first call asks {@code GET /version} unversioned, then uses the lower of the runtime's
 *       {@code ApiVersion} and {@link #NEWEST_API_VERSION}, raised to its {@code MinAPIVersion} if need be (Podman
 *       4 reports 1.41; Docker 29 requires at least 1.44).
 *   <li>Podman answers some conflicts with HTTP 500 rather than 409 (a name in use, removing a running container);
 *       those are recognised by their {@code cause} and reported as conflicts.
 *   <li>No lock: calls share a pooled HTTP client; only the first negotiation is done once (racing negotiations are
 *       harmless).
 * </ol>
 */
public final class DockerApiContainerRuntime implements ContainerRuntime, AutoCloseable {

    /** The newest Docker Engine API version this adapter speaks (docker-java 3.7's newest). */
    static final RemoteApiVersion NEWEST_API_VERSION = RemoteApiVersion.VERSION_1_44;

    private static final Logger log = LoggerFactory.getLogger(DockerApiContainerRuntime.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NEVER = "0001-01-01T00:00:00Z";

    private final ContainerHost host;
    private final DockerApiContainerRuntimeConfig config;
    private final DockerHttpClient http;
    private final DockerClient unversioned;
    private final AtomicReference<Negotiated> negotiated = new AtomicReference<>();
    private volatile String lastUnreachable;
    private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile boolean retired;

    public DockerApiContainerRuntime(ContainerHost host, DockerApiContainerRuntimeConfig config) {
        this.host = requireNonNull(host, "host is null");
        this.config = requireNonNull(config, "config is null");
        this.http = new ApacheDockerHttpClient.Builder()
                .dockerHost(URI.create(host.endpoint()))
                .maxConnections(config.maxConnections())
                .connectionTimeout(config.connectTimeout())
                .build();
        this.unversioned = client(RemoteApiVersion.UNKNOWN_VERSION);
    }

    private DockerClient client(RemoteApiVersion version) {
        DefaultDockerClientConfig.Builder builder = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(host.endpoint())
                .withDockerTlsVerify(false);
        if (version != RemoteApiVersion.UNKNOWN_VERSION) {
            builder.withApiVersion(version);
        }
        return DockerClientImpl.getInstance(builder.build(), http);
    }

    /** The endpoint and how it was chosen. */
    public ContainerHost host() {
        return host;
    }

    @Override
    public String endpoint() {
        return host.endpoint();
    }

    @Override
    public Availability availability() {
        if (socketMissing()) {
            return Availability.unavailable(missingSocket());
        }
        String unreachable = lastUnreachable;
        return unreachable == null ? Availability.available() : Availability.unavailable(unreachable);
    }

    @Override
    public RuntimeInfo runtimeInfo(Instant deadline) throws InterruptedException {
        return call("version", null, deadline, (client, info) -> info);
    }

    @Override
    public List<ContainerSummary> listContainers(ContainerFilter filter, Instant deadline) throws InterruptedException {
        requireNonNull(filter, "filter is null");
        return call("list", null, deadline, (client, info) -> {
            var command = client.listContainersCmd().withShowAll(filter.all());
            if (!filter.labels().isEmpty()) {
                command.withLabelFilter(filter.labels().stream().map(LabelSelector::filterValue).toList());
            }
            return command.exec().stream()
                    .map(DockerApiContainerRuntime::summary)
                    .sorted(Comparator.comparing(ContainerSummary::created).reversed())
                    .toList();
        });
    }

    @Override
    public ContainerDetails inspectContainer(String container, Instant deadline) throws InterruptedException {
        requireNonNull(container, "container is null");
        return call("inspect", container, deadline,
                (client, info) -> details(client.inspectContainerCmd(container).exec()));
    }

    @Override
    public RunResult runContainer(ContainerRunSpec spec, Instant deadline) throws InterruptedException {
        requireNonNull(spec, "spec is null");
        return call("run", spec.image(), deadline, (client, info) -> {
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
                            + "started: " + runtimeMessage(notFound), notFound);
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
        return call("start", container, deadline, (client, info) -> {
            try {
                client.startContainerCmd(container).exec();
                return StartResult.STARTED;
            } catch (NotModifiedException alreadyRunning) {
                return StartResult.ALREADY_RUNNING;
            }
        });
    }

    @Override
    public StopResult stopContainer(String container, Duration timeout, Instant deadline) throws InterruptedException {
        requireNonNull(container, "container is null");
        int seconds = wholeSeconds(timeout);
        return call("stop", container, deadline, (client, info) -> {
            try {
                client.stopContainerCmd(container).withTimeout(seconds).exec();
                return StopResult.STOPPED;
            } catch (NotModifiedException alreadyStopped) {
                return StopResult.ALREADY_STOPPED;
            }
        });
    }

    @Override
    public void restartContainer(String container, Duration timeout, Instant deadline) throws InterruptedException {
        requireNonNull(container, "container is null");
        int seconds = wholeSeconds(timeout);
        call("restart", container, deadline, (client, info) -> {
            client.restartContainerCmd(container).withTimeout(seconds).exec();
            return null;
        });
    }

    @Override
    public void removeContainer(String container, boolean force, Instant deadline) throws InterruptedException {
        requireNonNull(container, "container is null");
        call("remove", container, deadline, (client, info) -> {
            client.removeContainerCmd(container).withForce(force).exec();
            return null;
        });
    }

    @Override
    public List<LogLine> containerLogs(String container, LogQuery query, Instant deadline) throws InterruptedException {
        requireNonNull(container, "container is null");
        requireNonNull(query, "query is null");
        return call("logs", container, deadline, (client, info) -> {
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
            return command.exec(new LineCollector(query.timestamps())).await();
        });
    }

    @Override
    public List<ImageSummary> listImages(Instant deadline) throws InterruptedException {
        return call("images", null, deadline, (client, info) -> client.listImagesCmd().exec().stream()
                .map(DockerApiContainerRuntime::image)
                .sorted(Comparator.comparing(ImageSummary::created).reversed())
                .toList());
    }

    /**
     * Closes the HTTP client once no call is in flight: at once when idle, else when the last call ends. Later calls
     * fail as unreachable. Used when the provider drops this runtime (review finding 21). Idempotent.
     */
    void closeWhenIdle() {
        retired = true;
        if (inFlight.get() == 0) {
            close();
        }
    }

    /** Closes the HTTP client and its pooled connections; idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            http.close();
        } catch (IOException e) {
            log.debug("closing the HTTP client of {} failed", host.endpoint(), e);
        }
    }

    @FunctionalInterface
    private interface Work<T> {
        T run(DockerClient client, RuntimeInfo info) throws Exception;
    }

    private record Negotiated(DockerClient client, RuntimeInfo info) {}

    /**
     * Runs {@code work} on a virtual thread with the negotiated client, waiting at most until {@code deadline}, and
     * translates docker-java's failures into the port's.
     *
     * @param subject the container (or image, for run) the call is about, for not-found errors
     */
    private <T> T call(String operation, String subject, Instant deadline, Work<T> work) throws InterruptedException {
        requireNonNull(deadline, "deadline is null");
        inFlight.incrementAndGet();
        try {
            if (closed.get()) {
                throw unreachable("this client of the runtime was closed (the daemon is stopping, or more than "
                        + DockerApiContainerRuntimeProvider.MAX_RUNTIMES + " runtime endpoints were in use); call again", null);
            }
            return callOpen(operation, subject, deadline, work);
        } finally {
            if (inFlight.decrementAndGet() == 0 && retired) {
                close();
            }
        }
    }

    private <T> T callOpen(String operation, String subject, Instant deadline, Work<T> work) throws InterruptedException {
        Instant start = Instant.now();
        if (!start.isBefore(deadline)) {
            throw new ContainerRuntimeException.DeadlineExceeded(host.endpoint(), operation, Duration.ZERO);
        }
        if (socketMissing()) {
            throw unreachable(missingSocketDetail(), null);
        }
        Negotiated current = negotiated.get();
        if (current == null) {
            Instant negotiationBound = earlier(deadline, start.plus(config.negotiationTimeout()));
            current = runUntil("version", null, negotiationBound, start, this::negotiate,
                    negotiationBound.isBefore(deadline));
        }
        Negotiated client = current;
        T result = runUntil(operation, subject, deadline, start, () -> work.run(client.client(), client.info()), false);
        lastUnreachable = null;
        return result;
    }

    /**
     * @param negotiationCut whether {@code waitUntil} is the negotiation bound rather than the caller's deadline, so
     *        that running out of time means the runtime is not answering at all
     */
    private <T> T runUntil(String operation, String subject, Instant waitUntil, Instant start, Callable<T> task,
            boolean negotiationCut) throws InterruptedException {
        FutureTask<T> future = new FutureTask<>(task);
        Thread.ofVirtual().name("mcpd-container-" + operation).start(future);
        try {
            return future.get(Math.max(0, Duration.between(Instant.now(), waitUntil).toNanos()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            if (negotiationCut) {
                throw unreachable("it accepted the connection but did not answer GET /version within "
                        + config.negotiationTimeout().toMillis() + " ms", null);
            }
            throw new ContainerRuntimeException.DeadlineExceeded(host.endpoint(), operation,
                    Duration.between(start, Instant.now()));
        } catch (InterruptedException e) {
            future.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            throw translate(operation, subject, e.getCause());
        }
    }

    private Negotiated negotiate() {
        Version version = unversioned.versionCmd().exec();
        RemoteApiVersion api = chooseApiVersion(version.getApiVersion(), version.getMinAPIVersion());
        RuntimeInfo info = new RuntimeInfo(host.endpoint(), host.source(), productName(version),
                nonNull(version.getVersion(), "unknown"), api == RemoteApiVersion.UNKNOWN_VERSION ? "unknown"
                        : api.getVersion());
        Negotiated fresh = new Negotiated(client(api), info);
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

    private ContainerRuntimeException translate(String operation, String subject, Throwable failure) {
        return switch (failure) {
            case ContainerRuntimeException already -> already;
            case NotFoundException e when "run".equals(operation) -> new ContainerRuntimeException.NoSuchImage(subject);
            case NotFoundException e when subject != null -> new ContainerRuntimeException.NoSuchContainer(subject);
            case ConflictException e -> new ContainerRuntimeException.Conflict(runtimeMessage(e));
            case DockerException e when e.getHttpStatus() == 500 && isPodmanConflict(e) ->
                    new ContainerRuntimeException.Conflict(runtimeMessage(e));
            case DockerException e -> new ContainerRuntimeException.Failure(e.getHttpStatus(), runtimeMessage(e), e);
            default -> {
                IOException io = ioCause(failure);
                if (io != null) {
                    yield unreachable(describe(io), failure);
                }
                log.debug("{} at {} failed unexpectedly", operation, host.endpoint(), failure);
                yield new ContainerRuntimeException.Failure(0, operation + " failed: " + failure, failure);
            }
        };
    }

    private ContainerRuntimeException.Unreachable unreachable(String detail, Throwable cause) {
        ContainerRuntimeException.Unreachable unreachable = new ContainerRuntimeException.Unreachable(host.endpoint(),
                detail, cause);
        lastUnreachable = unreachable.getMessage();
        return unreachable;
    }

    /**
     * No usable endpoint: the resolver found none (so nothing is connected to, not even a path it rejected, such as
     * another user's socket; ADR 0014), or the socket file went away since.
     */
    private boolean socketMissing() {
        String path = host.socketPath();
        return !host.found() || path != null && !Files.exists(Path.of(path));
    }

    private String missingSocketDetail() {
        return host.found() ? "no such socket" : "no usable socket; tried " + String.join(", ", host.tried());
    }

    private String missingSocket() {
        return "container runtime not reachable at " + host.endpoint() + ": " + missingSocketDetail()
                + ". Start podman (`systemctl --user start podman.socket`) or docker, or set DOCKER_HOST";
    }

    private static boolean isPodmanConflict(DockerException e) {
        String cause = field(e, "cause");
        return cause != null && (cause.contains("already in use") || cause.contains("container state improper"));
    }

    /** The runtime's own message from the error body ({@code {"message": …}}), else the exception's. */
    static String runtimeMessage(DockerException e) {
        String message = field(e, "message");
        return message != null ? message : e.getMessage();
    }

    private static String field(DockerException e, String name) {
        String text = e.getMessage();
        int brace = text == null ? -1 : text.indexOf('{');
        if (brace < 0) {
            return null;
        }
        try {
            JsonNode body = JSON.readTree(text.substring(brace));
            JsonNode value = body.get(name);
            return value != null && value.isTextual() ? value.asText().strip() : null;
        } catch (IOException | RuntimeException notJson) {
            return null;
        }
    }

    private static IOException ioCause(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof IOException io) {
                return io;
            }
        }
        return null;
    }

    private static String describe(IOException io) {
        String message = io.getMessage();
        return (message == null || message.isBlank() ? io.getClass().getSimpleName() : message)
                .toLowerCase(Locale.ROOT);
    }

    private static int wholeSeconds(Duration timeout) {
        requireNonNull(timeout, "timeout is null");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("a stop timeout cannot be negative: " + timeout);
        }
        long seconds = timeout.toSeconds() + (timeout.toNanosPart() > 0 ? 1 : 0);
        return (int) Math.min(Integer.MAX_VALUE, seconds);
    }

    private static Instant earlier(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    private static String nonNull(String value, String otherwise) {
        return value == null || value.isBlank() ? otherwise : value;
    }

    private static ContainerSummary summary(Container container) {
        String[] names = container.getNames();
        String name = names == null || names.length == 0 ? "" : stripSlash(names[0]);
        return new ContainerSummary(
                container.getId(),
                name,
                nonNull(container.getImage(), ""),
                nonNull(container.getCommand(), ""),
                Instant.ofEpochSecond(container.getCreated() == null ? 0 : container.getCreated()),
                ContainerState.parse(container.getState()),
                nonNull(container.getStatus(), ""),
                container.getLabels() == null ? Map.of() : container.getLabels());
    }

    private static ContainerDetails details(InspectContainerResponse response) {
        InspectContainerResponse.ContainerState state = response.getState();
        List<String> command = new ArrayList<>();
        if (response.getPath() != null && !response.getPath().isEmpty()) {
            command.add(response.getPath());
        }
        if (response.getArgs() != null) {
            command.addAll(Arrays.asList(response.getArgs()));
        }
        var config = response.getConfig();
        HostConfig hostConfig = response.getHostConfig();
        Long pid = state == null ? null : state.getPidLong();
        Long exitCode = state == null ? null : state.getExitCodeLong();
        Instant finishedAt = state == null ? null : time(state.getFinishedAt());
        ContainerState parsed = state == null ? ContainerState.UNKNOWN : ContainerState.parse(state.getStatus());
        return new ContainerDetails(
                response.getId(),
                stripSlash(nonNull(response.getName(), "")),
                config != null && config.getImage() != null ? config.getImage() : nonNull(response.getImageId(), ""),
                response.getImageId(),
                command,
                parsed,
                finishedAt == null || exitCode == null ? null : (int) (long) exitCode,
                pid == null || pid == 0 ? null : pid,
                nonNullTime(time(response.getCreated())),
                state == null ? null : time(state.getStartedAt()),
                finishedAt,
                state == null ? null : state.getError(),
                config == null || config.getLabels() == null ? Map.of() : config.getLabels(),
                hostConfig == null ? null : hostConfig.getNetworkMode(),
                hostConfig != null && Boolean.TRUE.equals(hostConfig.getInit()),
                hostConfig != null && Boolean.TRUE.equals(hostConfig.getAutoRemove()));
    }

    private static ImageSummary image(Image image) {
        List<String> tags = image.getRepoTags() == null ? List.of()
                : Arrays.stream(image.getRepoTags()).filter(tag -> !tag.equals("<none>:<none>")).toList();
        return new ImageSummary(image.getId(), tags, image.getSize() == null ? 0 : image.getSize(),
                Instant.ofEpochSecond(image.getCreated() == null ? 0 : image.getCreated()));
    }

    private static String stripSlash(String name) {
        return name.startsWith("/") ? name.substring(1) : name;
    }

    /** An RFC 3339 time from the API, {@code null} for absent or Go's zero time. */
    static Instant time(String text) {
        if (text == null || text.isBlank() || text.startsWith("0001-01-01")) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static Instant nonNullTime(Instant time) {
        return time == null ? Instant.EPOCH : time;
    }

    /**
     * Splits the multiplexed log stream into lines per stream. A frame may hold several lines or part of one; a
     * container with a TTY sends one raw stream, taken as stdout. Unlike docker-java's {@code ResultCallback.Adapter}
     * it does not log errors (an unknown container is an answer, not an error worth a stack trace in the log).
     */
    private static final class LineCollector implements ResultCallback<Frame> {
        private final boolean timestamps;
        private final List<LogLine> lines = new ArrayList<>();
        private final Map<LogStream, ByteArrayOutputStream> partial = new EnumMap<>(LogStream.class);
        private final CountDownLatch done = new CountDownLatch(1);
        private volatile Throwable error;
        private volatile Closeable stream;

        LineCollector(boolean timestamps) {
            this.timestamps = timestamps;
        }

        @Override
        public void onStart(Closeable stream) {
            this.stream = stream;
        }

        @Override
        public void onNext(Frame frame) {
            LogStream which = frame.getStreamType() == StreamType.STDERR ? LogStream.STDERR : LogStream.STDOUT;
            byte[] payload = frame.getPayload();
            if (payload == null) {
                return;
            }
            synchronized (lines) {
                ByteArrayOutputStream buffer = partial.computeIfAbsent(which, s -> new ByteArrayOutputStream());
                for (byte b : payload) {
                    if (b == '\n') {
                        emit(which, buffer);
                    } else {
                        buffer.write(b);
                    }
                }
            }
        }

        @Override
        public void onError(Throwable throwable) {
            error = throwable;
            done.countDown();
        }

        @Override
        public void onComplete() {
            done.countDown();
        }

        /** Aborts the stream if it is still open; idempotent. */
        @Override
        public void close() throws IOException {
            done.countDown();
            Closeable open = stream;
            if (open != null) {
                open.close();
            }
        }

        /** Waits for the end of the output (the caller's deadline interrupts), then returns every line. */
        List<LogLine> await() throws Exception {
            try {
                done.await();
            } finally {
                close();
            }
            Throwable failure = error;
            if (failure instanceof Exception e) {
                throw e;
            }
            if (failure instanceof Error e) {
                throw e;
            }
            synchronized (lines) {
                partial.forEach((which, buffer) -> {
                    if (buffer.size() > 0) {
                        emit(which, buffer);
                    }
                });
                return List.copyOf(lines);
            }
        }

        private void emit(LogStream which, ByteArrayOutputStream buffer) {
            String text = buffer.toString(StandardCharsets.UTF_8);
            buffer.reset();
            if (text.endsWith("\r")) {
                text = text.substring(0, text.length() - 1);
            }
            Instant timestamp = null;
            if (timestamps) {
                int space = text.indexOf(' ');
                Instant parsed = space > 0 ? time(text.substring(0, space)) : time(text);
                if (parsed != null) {
                    timestamp = parsed;
                    text = space > 0 ? text.substring(space + 1) : "";
                }
            }
            lines.add(new LogLine(which, timestamp, text));
        }
    }
}
