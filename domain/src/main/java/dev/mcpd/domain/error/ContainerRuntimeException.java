package dev.mcpd.domain.error;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * A container runtime call failed (B-B1, B-B4). The subtypes are closed, so that a caller can answer each with
 * a message a person can act on, in an exhaustive {@code switch}:
 * <ul>
 *   <li>{@link NoSuchContainer}, {@link NoSuchImage}: the name or id does not exist (HTTP 404);
 *   <li>{@link Conflict}: the request clashes with the container's state or another container (HTTP 409, and
 *       Podman's 500 for a name in use or a running container removed without force);
 *   <li>{@link Unreachable}: nothing answers at the runtime's socket (missing socket, refused, connection lost);
 *   <li>{@link DeadlineExceeded}: the runtime did not answer within the call's deadline;
 *   <li>{@link Failure}: any other error the runtime reported.
 * </ul>
 * What these share with hyperd's failures (the error code, a missing name, a deadline miss) is in
 * {@link BackendException}.
 */
public abstract sealed class ContainerRuntimeException extends BackendException
        permits ContainerRuntimeException.NoSuchContainer, ContainerRuntimeException.NoSuchImage,
                ContainerRuntimeException.Conflict, ContainerRuntimeException.Unreachable,
                ContainerRuntimeException.DeadlineExceeded, ContainerRuntimeException.Failure {

    static final String BACKEND = "container runtime";

    private ContainerRuntimeException(ErrorCode code, String message, Throwable cause) {
        super(code, message, cause);
    }

    private ContainerRuntimeException(String what, String name) {
        super(what, name);
    }

    private ContainerRuntimeException(String endpoint, String operation, Duration waited) {
        super(BACKEND + " at " + endpoint, "answer", operation, waited, null);
    }

    /** No container has this name or id. */
    public static final class NoSuchContainer extends ContainerRuntimeException {
        public NoSuchContainer(String container) {
            super("container", container);
        }

        /** The name or id that was asked for. */
        public String container() {
            return name();
        }
    }

    /** No local image has this reference (mcpd never pulls). */
    public static final class NoSuchImage extends ContainerRuntimeException {
        public NoSuchImage(String image) {
            super("image", image);
        }

        /** The image reference that was asked for. */
        public String image() {
            return name();
        }
    }

    /** The request conflicts with the current state: a name in use, a running container removed without force. */
    public static final class Conflict extends ContainerRuntimeException {
        public Conflict(String message) {
            super(ErrorCode.CONFLICT, message, null);
        }
    }

    /** Nothing answers at the runtime's endpoint: the backend is gone ({@link ErrorCode#BACKEND_UNAVAILABLE}). */
    public static final class Unreachable extends ContainerRuntimeException {
        private final String endpoint;

        /**
         * @param endpoint the endpoint tried, e.g. {@code unix:///run/podman/podman.sock}
         * @param detail what went wrong, e.g. {@code no such socket} or {@code connection refused}
         */
        public Unreachable(String endpoint, String detail, Throwable cause) {
            super(ErrorCode.BACKEND_UNAVAILABLE, BACKEND + " not reachable at " + endpoint + ": " + detail, cause);
            this.endpoint = requireNonNull(endpoint, "endpoint is null");
        }

        /** The endpoint tried. */
        public String endpoint() {
            return endpoint;
        }
    }

    /**
     * The runtime did not answer in time; the operation may still complete on the runtime's side. The message is
     * {@code container runtime at <endpoint> did not answer <operation> within <N> ms}; {@link #operation()} and
     * {@link #waited()} say which operation and how long.
     */
    public static final class DeadlineExceeded extends ContainerRuntimeException {
        public DeadlineExceeded(String endpoint, String operation, Duration waited) {
            super(endpoint, operation, waited);
        }
    }

    /** Any other error the runtime reported, with its HTTP status when there was one. */
    public static final class Failure extends ContainerRuntimeException {
        private final int httpStatus;

        /**
         * @param httpStatus the HTTP status of the runtime's answer, or 0 if there was none
         * @param message the runtime's own message
         */
        public Failure(int httpStatus, String message, Throwable cause) {
            super(ErrorCode.BACKEND_FAILURE, message, cause);
            this.httpStatus = httpStatus;
        }

        /** The HTTP status of the runtime's answer, or 0 if there was none. */
        public int httpStatus() {
            return httpStatus;
        }
    }
}
