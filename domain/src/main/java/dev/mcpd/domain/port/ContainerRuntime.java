package dev.mcpd.domain.port;

import dev.mcpd.domain.error.ContainerRuntimeException;
import dev.mcpd.domain.model.Availability;
import dev.mcpd.domain.model.container.ContainerDetails;
import dev.mcpd.domain.model.container.ContainerFilter;
import dev.mcpd.domain.model.container.ContainerRunSpec;
import dev.mcpd.domain.model.container.ContainerSummary;
import dev.mcpd.domain.model.container.ImageSummary;
import dev.mcpd.domain.model.container.LogLine;
import dev.mcpd.domain.model.container.LogQuery;
import dev.mcpd.domain.model.container.RunResult;
import dev.mcpd.domain.model.container.RuntimeInfo;
import dev.mcpd.domain.model.container.StartResult;
import dev.mcpd.domain.model.container.StopResult;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A container runtime that speaks the Docker Engine API: Docker, or Podman's Docker-compatible service (B-B1).
 *
 * <p>A container is named by its name or by its id (full or a unique prefix), as with the {@code docker} CLI.
 *
 * <p>Invariants, checked by {@code ContainerRuntimeContract}:
 * <ol>
 *   <li>Every call that talks to the runtime takes a deadline and returns or throws by it (give or take a
 *       scheduling delay); a deadline already passed fails at once with
 *       {@link ContainerRuntimeException.DeadlineExceeded}. There is no lock across calls: calls run concurrently.
 *   <li>A runtime that is down fails fast (well within 2 s) with {@link ContainerRuntimeException.Unreachable}
 *       naming the endpoint tried, never a hang (B-B1).
 *   <li>An unknown container is {@link ContainerRuntimeException.NoSuchContainer}; an unknown image
 *       {@link ContainerRuntimeException.NoSuchImage}; a name in use or removing a running container without
 *       force is {@link ContainerRuntimeException.Conflict}.
 *   <li>Stopping a stopped container is {@link StopResult#ALREADY_STOPPED}, starting a running one
 *       {@link StartResult#ALREADY_RUNNING}: not errors.
 *   <li>Stopping honours the stop timeout: SIGTERM, then SIGKILL when the timeout runs out; the call returns when the
 *       runtime has answered (B-B2).
 *   <li>A lost connection fails the call in progress; the next call connects afresh (B-B4).
 *   <li>{@link #endpoint()} and {@link #availability()} never do I/O that can block.
 * </ol>
 *
 * <p>Every method that takes a deadline throws {@link ContainerRuntimeException} (unchecked) as above, and
 * {@link InterruptedException} when the calling thread is interrupted (the tool call was cancelled, B-M7); the
 * request to the runtime is then abandoned.
 */
public interface ContainerRuntime {

    /** Where this runtime is reached, e.g. {@code unix:///run/podman/podman.sock}. */
    String endpoint();

    /**
     * Whether the runtime looks usable, without blocking: e.g. unavailable when its socket does not exist, or when
     * the last call found it unreachable. The reason names the endpoint and says what to do.
     */
    Availability availability();

    /** Which runtime this is and the API version negotiated with it. */
    RuntimeInfo runtimeInfo(Instant deadline) throws InterruptedException;

    /** Containers selected by {@code filter}, newest first (as {@code docker ps}). */
    List<ContainerSummary> listContainers(ContainerFilter filter, Instant deadline) throws InterruptedException;

    /** Details of one container. */
    ContainerDetails inspectContainer(String container, Instant deadline) throws InterruptedException;

    /**
     * Creates and starts a container (as {@code docker run -d}); the image must be present locally. If the container
     * is created but cannot be started, it is removed again and the start failure is thrown.
     */
    RunResult runContainer(ContainerRunSpec spec, Instant deadline) throws InterruptedException;

    /** Starts a created or stopped container. */
    StartResult startContainer(String container, Instant deadline) throws InterruptedException;

    /**
     * Stops a container: SIGTERM (or the image's stop signal), then SIGKILL after {@code timeout}.
     *
     * @param timeout how long the container may take to stop after SIGTERM, in whole seconds (rounded up)
     * @param deadline when to give up waiting; should leave {@code timeout} plus a margin
     */
    StopResult stopContainer(String container, Duration timeout, Instant deadline) throws InterruptedException;

    /** Stops (as {@link #stopContainer}) and starts a container again. */
    void restartContainer(String container, Duration timeout, Instant deadline) throws InterruptedException;

    /**
     * Removes a container.
     *
     * @param force kill it first if it is running; without it a running container is a
     *        {@link ContainerRuntimeException.Conflict}
     */
    void removeContainer(String container, boolean force, Instant deadline) throws InterruptedException;

    /** Lines of a container's output (stdout and stderr interleaved in order), oldest first. */
    List<LogLine> containerLogs(String container, LogQuery query, Instant deadline) throws InterruptedException;

    /** Local images, newest first. */
    List<ImageSummary> listImages(Instant deadline) throws InterruptedException;
}
