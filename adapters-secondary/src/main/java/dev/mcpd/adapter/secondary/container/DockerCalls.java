package dev.mcpd.adapter.secondary.container;

import static java.util.Objects.requireNonNull;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.core.RemoteApiVersion;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import com.github.dockerjava.transport.DockerHttpClient;
import dev.mcpd.adapter.secondary.container.ApiVersionNegotiation.Negotiated;
import dev.mcpd.adapter.secondary.deadline.DeadlineCall;
import dev.mcpd.domain.error.ContainerRuntimeException;
import dev.mcpd.domain.model.Availability;
import dev.mcpd.domain.model.container.RuntimeInfo;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The calls of one {@link DockerApiContainerRuntime} to its endpoint: one pooled HTTP client, the API version
 * negotiated on the first call, a deadline on every call, the port's errors, and a close that waits for the calls in
 * flight (B-B1, B-B3, B-B4).
 *
 * <p>Invariants:
 * <ol>
 *   <li>Deadlines: each call runs on its own virtual thread ({@link DeadlineCall}) and the caller waits at most until
 *       the deadline; then the thread is interrupted, which closes its socket channel and so abandons the HTTP
 *       request. docker-java's and HttpClient's own timeouts are not relied on: socket read timeouts do not apply to
 *       the JDK Unix socket channel docker-java uses, and a stop may legitimately take its whole stop timeout.
 *   <li>Down versus slow: a missing socket file fails before any I/O and a refused connection fails at connect, both
 *       at once; a TCP connect is bounded by {@link DockerApiContainerRuntimeConfig#connectTimeout()}. A runtime that
 *       accepted the connection is only slow: the first call's {@code GET /version} is waited for until the call's
 *       deadline, or {@link DockerApiContainerRuntimeConfig#negotiationTimeout()} (30 s) if that comes first, and
 *       only then called unreachable. Each error names the endpoint.
 *   <li>No lock: calls share the pooled HTTP client; only the first negotiation is done once (racing negotiations
 *       are harmless).
 * </ol>
 */
final class DockerCalls implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DockerCalls.class);

    private final ContainerHost host;
    private final DockerApiContainerRuntimeConfig config;
    private final DockerHttpClient http;
    private final ApiVersionNegotiation negotiation;
    /** Why the last call found the runtime unreachable; cleared by the next call that reached it. */
    private volatile String lastUnreachable;
    /** Calls in flight, so that a retired client closes when the last one ends. */
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean retired;
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * @param host the endpoint (Unix socket or TCP) and how it was chosen
     * @param config the connect and negotiation bounds and the pool size
     */
    DockerCalls(ContainerHost host, DockerApiContainerRuntimeConfig config) {
        this.host = requireNonNull(host, "host is null");
        this.config = requireNonNull(config, "config is null");
        this.http = new ApacheDockerHttpClient.Builder()
                .dockerHost(URI.create(host.endpoint()))
                .maxConnections(config.maxConnections())
                .connectionTimeout(config.connectTimeout())
                .build();
        this.negotiation = new ApiVersionNegotiation(host, this::client);
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

    /** Unavailable while the socket file is missing, or since the last call found the runtime unreachable. */
    Availability availability() {
        if (socketMissing()) {
            return Availability.unavailable(missingSocket());
        }
        String unreachable = lastUnreachable;
        return unreachable == null ? Availability.available() : Availability.unavailable(unreachable);
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

    /** One piece of work with the negotiated client; may throw anything docker-java throws. */
    @FunctionalInterface
    interface Work<T> {
        T run(DockerClient client, RuntimeInfo info) throws Exception;
    }

    /**
     * Runs {@code work} on a virtual thread with the negotiated client, waiting at most until {@code deadline}, and
     * translates docker-java's failures into the port's.
     *
     * @param operation the port operation, named in errors and in the worker thread's name
     * @param subject the container (or image, for run) the call is about, for not-found errors; may be null
     * @return what {@code work} returned
     * @throws ContainerRuntimeException {@code DeadlineExceeded} at the deadline, {@code Unreachable} when the
     *         runtime cannot be talked to (or this client was closed), else what {@link DockerErrors} makes of the
     *         failure
     * @throws InterruptedException when the caller is interrupted (the call is abandoned)
     */
    <T> T call(String operation, String subject, Instant deadline, Work<T> work) throws InterruptedException {
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
        Negotiated current = negotiation.current();
        if (current == null) {
            Instant negotiationBound = earlier(deadline, start.plus(config.negotiationTimeout()));
            current = runUntil("version", null, negotiationBound, start, negotiation::negotiate,
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
        try {
            return DeadlineCall.within("mcpd-container-" + operation, waitUntil, task);
        } catch (TimeoutException e) {
            if (negotiationCut) {
                throw unreachable("it accepted the connection but did not answer GET /version within "
                        + config.negotiationTimeout().toMillis() + " ms", null);
            }
            throw new ContainerRuntimeException.DeadlineExceeded(host.endpoint(), operation,
                    Duration.between(start, Instant.now()));
        } catch (ExecutionException e) {
            ContainerRuntimeException translated = DockerErrors.translate(host.endpoint(), operation, subject,
                    e.getCause());
            if (translated instanceof ContainerRuntimeException.Unreachable unreachable) {
                lastUnreachable = unreachable.getMessage();
            }
            throw translated;
        }
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

    private static Instant earlier(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
