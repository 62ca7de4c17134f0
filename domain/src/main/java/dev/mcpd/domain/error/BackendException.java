package dev.mcpd.domain.error;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * A call to a backend that mcpd drives failed: the container runtime ({@link ContainerRuntimeException}, B-B1) or
 * hyperd ({@link HyperdException}, B-B3). What both families share lives here, so that each backend's subtypes only
 * add what is their own:
 * <ul>
 *   <li>{@link #backend()}: which backend failed;
 *   <li>{@link #code()}: {@link ErrorCode#NOT_FOUND}, {@link ErrorCode#CONFLICT},
 *       {@link ErrorCode#BACKEND_UNAVAILABLE} (the backend is gone), {@link ErrorCode#DEADLINE_EXCEEDED} or
 *       {@link ErrorCode#BACKEND_FAILURE};
 *   <li>for a name that does not exist, {@link #name()};
 *   <li>for a deadline miss (B-B4), {@link #operation()} and {@link #waited()}, and one message:
 *       {@code "<backend> did not <verb> <operation> within <N> ms"}.
 * </ul>
 */
public abstract sealed class BackendException extends McpdException permits ContainerRuntimeException, HyperdException {

    /** The operation that ran out of time and how long the caller waited; {@link #NONE} for other failures. */
    private record Deadline(String operation, Duration waited) {
        static final Deadline NONE = new Deadline("", Duration.ZERO);
    }

    private final String name;
    private final Deadline deadline;

    /** Any failure but a missing name or a deadline miss. */
    BackendException(ErrorCode code, String message, Throwable cause) {
        this(code, "", Deadline.NONE, message, cause);
    }

    /** {@code what} (e.g. {@code container}) has no {@code name}: the message is {@code no such <what> '<name>'}. */
    BackendException(String what, String name) {
        this(ErrorCode.NOT_FOUND, name, Deadline.NONE, "no such " + what + " '" + name + "'", null);
    }

    /**
     * {@code operation} ran out of time after {@code waited}: the message is
     * {@code <who> did not <verb> <operation> within <N> ms}, N never negative.
     */
    BackendException(String who, String verb, String operation, Duration waited, Throwable cause) {
        this(ErrorCode.DEADLINE_EXCEEDED, "", new Deadline(requireNonNull(operation, "operation is null"),
                        requireNonNull(waited, "waited is null")),
                who + " did not " + verb + " " + operation + " within " + Math.max(0, waited.toMillis()) + " ms", cause);
    }

    private BackendException(ErrorCode code, String name, Deadline deadline, String message, Throwable cause) {
        super(code, requireNonNull(message, "message is null"), cause);
        this.name = name;
        this.deadline = deadline;
    }

    /** The backend that failed: {@code container runtime} or {@code hyperd}. */
    public String backend() {
        return switch (this) {
            case ContainerRuntimeException _ -> ContainerRuntimeException.BACKEND;
            case HyperdException _ -> HyperdException.BACKEND;
        };
    }

    /** The name that does not exist (a container, an image, a table); empty unless {@link ErrorCode#NOT_FOUND}. */
    public String name() {
        return name;
    }

    /**
     * The operation that ran out of time, e.g. {@code stop} or {@code query}; empty unless
     * {@link ErrorCode#DEADLINE_EXCEEDED}.
     */
    public String operation() {
        return deadline.operation();
    }

    /** How long the caller waited before giving up; zero unless {@link ErrorCode#DEADLINE_EXCEEDED}. */
    public Duration waited() {
        return deadline.waited();
    }
}
