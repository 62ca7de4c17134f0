package dev.mcpd.domain.fake;

import static java.util.Objects.requireNonNull;

import dev.mcpd.domain.error.ContainerRuntimeException;
import dev.mcpd.domain.model.Availability;
import dev.mcpd.domain.model.container.ContainerDetails;
import dev.mcpd.domain.model.container.ContainerFilter;
import dev.mcpd.domain.model.container.ContainerRunSpec;
import dev.mcpd.domain.model.container.ContainerState;
import dev.mcpd.domain.model.container.ContainerSummary;
import dev.mcpd.domain.model.container.ImageSummary;
import dev.mcpd.domain.model.container.LogLine;
import dev.mcpd.domain.model.container.LogQuery;
import dev.mcpd.domain.model.container.LogStream;
import dev.mcpd.domain.model.container.RunResult;
import dev.mcpd.domain.model.container.RuntimeInfo;
import dev.mcpd.domain.model.container.StartResult;
import dev.mcpd.domain.model.container.StopResult;
import dev.mcpd.domain.port.ContainerRuntime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link ContainerRuntime} in memory, for tests of what uses the port. It passes {@code ContainerRuntimeContract}.
 *
 * <p>Its containers run no processes: a container is running from start to stop, and stops at once. When started,
 * a container writes the value of its environment variable {@value #FAKE_STDOUT} (if set) as one stdout line;
 * tests add more output with {@link #writeLog}. Tests can also take the runtime down ({@link #setReachable}),
 * make calls about one container hang until their deadline ({@link #stall}), and read the stop timeouts asked for
 * ({@link #stopTimeouts()}).
 */
public final class InMemoryContainerRuntime implements ContainerRuntime {

    /** The environment variable whose value a container writes to stdout when it starts. */
    public static final String FAKE_STDOUT = "FAKE_STDOUT";

    /** The image every new fake has. */
    public static final String DEFAULT_IMAGE = "localhost/mcpd-busybox:latest";

    private final Clock clock;
    private final String endpoint;
    private final Map<String, Container> containers = new LinkedHashMap<>();
    private final Map<String, ImageSummary> images = new LinkedHashMap<>();
    private final Set<String> stalled = ConcurrentHashMap.newKeySet();
    private final CountDownLatch neverReleased = new CountDownLatch(1);
    private final List<Duration> stopTimeouts = new CopyOnWriteArrayList<>();
    private final AtomicLong sequence = new AtomicLong();
    private volatile boolean reachable = true;

    public InMemoryContainerRuntime(Clock clock, String endpoint) {
        this.clock = requireNonNull(clock, "clock is null");
        this.endpoint = requireNonNull(endpoint, "endpoint is null");
        addImage(DEFAULT_IMAGE);
    }

    public InMemoryContainerRuntime() {
        this(Clock.systemUTC(), "unix:///fake/podman.sock");
    }

    /** Adds a local image with this tag. */
    public synchronized void addImage(String tag) {
        String id = "sha256:" + hex(sequence.incrementAndGet());
        images.put(tag, new ImageSummary(id, List.of(tag), 2_141_317, clock.instant()));
    }

    /** Takes the runtime down (every call fails as unreachable) or brings it back. */
    public void setReachable(boolean reachable) {
        this.reachable = reachable;
    }

    /** Makes every call about {@code container} (name or id as given by the caller) hang until its deadline. */
    public void stall(String container) {
        stalled.add(container);
    }

    /** Appends a line to a container's output. */
    public synchronized void writeLog(String container, LogStream stream, String text) {
        find(container).logs.add(new LogLine(stream, clock.instant(), text));
    }

    /** The stop timeouts asked for by stop and restart calls, in order. */
    public List<Duration> stopTimeouts() {
        return List.copyOf(stopTimeouts);
    }

    @Override
    public String endpoint() {
        return endpoint;
    }

    @Override
    public Availability availability() {
        return reachable ? Availability.available()
                : Availability.unavailable("container runtime not reachable at " + endpoint + " (the fake is down)");
    }

    @Override
    public RuntimeInfo runtimeInfo(Instant deadline) throws InterruptedException {
        enter("version", null, deadline);
        return new RuntimeInfo(endpoint, "in-memory", "In-memory fake", "0", "1.41");
    }

    @Override
    public List<ContainerSummary> listContainers(ContainerFilter filter, Instant deadline) throws InterruptedException {
        enter("list", null, deadline);
        synchronized (this) {
            return containers.values().stream()
                    .filter(container -> filter.matches(container.state, container.spec.labels()))
                    .sorted(Comparator.comparingLong((Container container) -> container.sequence).reversed())
                    .map(Container::summary)
                    .toList();
        }
    }

    @Override
    public ContainerDetails inspectContainer(String container, Instant deadline) throws InterruptedException {
        enter("inspect", container, deadline);
        synchronized (this) {
            return find(container).details();
        }
    }

    @Override
    public RunResult runContainer(ContainerRunSpec spec, Instant deadline) throws InterruptedException {
        enter("run", spec.name(), deadline);
        synchronized (this) {
            if (!images.containsKey(spec.image())) {
                throw new ContainerRuntimeException.NoSuchImage(spec.image());
            }
            long number = sequence.incrementAndGet();
            String name = spec.name() != null ? spec.name() : "fake_" + number;
            if (containers.values().stream().anyMatch(other -> other.name.equals(name))) {
                throw new ContainerRuntimeException.Conflict("the container name \"" + name + "\" is already in use");
            }
            Container container = new Container(hex(number), name, number, spec, clock.instant());
            containers.put(container.id, container);
            container.start(clock.instant());
            return new RunResult(container.id, List.of());
        }
    }

    @Override
    public StartResult startContainer(String container, Instant deadline) throws InterruptedException {
        enter("start", container, deadline);
        synchronized (this) {
            Container found = find(container);
            if (found.state == ContainerState.RUNNING) {
                return StartResult.ALREADY_RUNNING;
            }
            found.start(clock.instant());
            return StartResult.STARTED;
        }
    }

    @Override
    public StopResult stopContainer(String container, Duration timeout, Instant deadline) throws InterruptedException {
        enter("stop", container, deadline);
        stopTimeouts.add(timeout);
        synchronized (this) {
            Container found = find(container);
            if (found.state != ContainerState.RUNNING) {
                return StopResult.ALREADY_STOPPED;
            }
            stop(found);
            return StopResult.STOPPED;
        }
    }

    @Override
    public void restartContainer(String container, Duration timeout, Instant deadline) throws InterruptedException {
        enter("restart", container, deadline);
        stopTimeouts.add(timeout);
        synchronized (this) {
            Container found = find(container);
            if (found.state == ContainerState.RUNNING) {
                found.state = ContainerState.EXITED;
                found.exitCode = 0;
                found.finishedAt = clock.instant();
            }
            found.start(clock.instant());
        }
    }

    @Override
    public void removeContainer(String container, boolean force, Instant deadline) throws InterruptedException {
        enter("remove", container, deadline);
        synchronized (this) {
            Container found = find(container);
            if (found.state == ContainerState.RUNNING && !force) {
                throw new ContainerRuntimeException.Conflict("cannot remove container " + found.id
                        + " as it is running: stop it first or remove it with force");
            }
            containers.remove(found.id);
        }
    }

    @Override
    public List<LogLine> containerLogs(String container, LogQuery query, Instant deadline) throws InterruptedException {
        enter("logs", container, deadline);
        synchronized (this) {
            List<LogLine> lines = new ArrayList<>();
            Instant since = query.since() == null ? null : query.since().truncatedTo(ChronoUnit.SECONDS);
            for (LogLine line : find(container).logs) {
                if (since == null || !line.timestamp().isBefore(since)) {
                    lines.add(query.timestamps() ? line : new LogLine(line.stream(), null, line.text()));
                }
            }
            if (query.tail() != null && lines.size() > query.tail()) {
                return List.copyOf(lines.subList(lines.size() - query.tail(), lines.size()));
            }
            return List.copyOf(lines);
        }
    }

    @Override
    public List<ImageSummary> listImages(Instant deadline) throws InterruptedException {
        enter("images", null, deadline);
        synchronized (this) {
            List<ImageSummary> newestFirst = new ArrayList<>(images.values());
            newestFirst.sort(Comparator.comparing(ImageSummary::created).reversed());
            return List.copyOf(newestFirst);
        }
    }

    /** Checks reachability and the deadline, and hangs until the deadline for a stalled container. */
    private void enter(String operation, String container, Instant deadline) throws InterruptedException {
        requireNonNull(deadline, "deadline is null");
        Instant entered = clock.instant();
        if (!reachable) {
            throw new ContainerRuntimeException.Unreachable(endpoint, "connection refused (the fake is down)", null);
        }
        Duration left = Duration.between(entered, deadline);
        if (container != null && stalled.contains(container) && left.isPositive()) {
            neverReleased.await(left.toNanos(), TimeUnit.NANOSECONDS);
            left = Duration.ZERO;
        }
        if (!left.isPositive()) {
            throw new ContainerRuntimeException.DeadlineExceeded(endpoint, operation,
                    Duration.between(entered, clock.instant()));
        }
    }

    private void stop(Container container) {
        container.state = ContainerState.EXITED;
        container.exitCode = 0;
        container.finishedAt = clock.instant();
        if (container.spec.autoRemove()) {
            containers.remove(container.id);
        }
    }

    /** Finds by exact id, exact name, or unique id prefix, as the Docker Engine API does. */
    private Container find(String reference) {
        Container byId = containers.get(reference);
        if (byId != null) {
            return byId;
        }
        for (Container container : containers.values()) {
            if (container.name.equals(reference)) {
                return container;
            }
        }
        List<Container> prefixed = containers.values().stream().filter(c -> c.id.startsWith(reference)).toList();
        if (prefixed.size() == 1 && !reference.isEmpty()) {
            return prefixed.getFirst();
        }
        throw new ContainerRuntimeException.NoSuchContainer(reference);
    }

    /** 64 hex digits derived from {@code number}; distinct numbers differ in the first 16 (splitmix64 is a bijection). */
    private static String hex(long number) {
        StringBuilder digits = new StringBuilder(64);
        for (long salt = 0; salt < 4; salt++) {
            digits.append(HexFormat.of().toHexDigits(mix(number + salt * 0x9E3779B97F4A7C15L)));
        }
        return digits.toString();
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static final class Container {
        final String id;
        final String name;
        final long sequence;
        final ContainerRunSpec spec;
        final Instant created;
        final List<LogLine> logs = new ArrayList<>();
        ContainerState state = ContainerState.CREATED;
        Integer exitCode;
        Instant startedAt;
        Instant finishedAt;

        Container(String id, String name, long sequence, ContainerRunSpec spec, Instant created) {
            this.id = id;
            this.name = name;
            this.sequence = sequence;
            this.spec = spec;
            this.created = created;
        }

        void start(Instant now) {
            state = ContainerState.RUNNING;
            startedAt = now;
            exitCode = null;
            String stdout = spec.env().get(FAKE_STDOUT);
            if (stdout != null) {
                logs.add(new LogLine(LogStream.STDOUT, now, stdout));
            }
        }

        ContainerSummary summary() {
            String status = switch (state) {
                case RUNNING -> "Up";
                case EXITED -> "Exited (" + exitCode + ")";
                default -> state.wireName();
            };
            return new ContainerSummary(id, name, spec.image(), String.join(" ", spec.command()), created, state,
                    status, spec.labels());
        }

        ContainerDetails details() {
            return new ContainerDetails(id, name, spec.image(), "sha256:" + id, spec.command(), state, exitCode,
                    state == ContainerState.RUNNING ? 4242L + sequence : null, created, startedAt, finishedAt, null,
                    spec.labels(), spec.network(), spec.init(), spec.autoRemove());
        }
    }
}
