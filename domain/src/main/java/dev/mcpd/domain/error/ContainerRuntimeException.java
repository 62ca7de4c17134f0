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
 *
 * <p>This family stands beside {@link McpdException} rather than in it because {@code McpdException}'s permitted
 * subtypes are closed; folding it in needs an {@link ErrorCode} per subtype.
 */
public abstract sealed class ContainerRuntimeException extends RuntimeException
        permits ContainerRuntimeException.NoSuchContainer, ContainerRuntimeException.NoSuchImage,
                ContainerRuntimeException.Conflict, ContainerRuntimeException.Unreachable,
                ContainerRuntimeException.DeadlineExceeded, ContainerRuntimeException.Failure {

    private ContainerRuntimeException(String message, Throwable cause) {
        super(requireNonNull(message, "message is null"), cause);
    }

    /** No container has this name or id. */
    public static final class NoSuchContainer extends ContainerRuntimeException {
        private final String container;

        public NoSuchContainer(String container) {
            super("no such container '" + container + "'", null);
            this.container = container;
        }

        /** The name or id that was asked for. */
        public String container() {
            return container;
        }
    }

    /** No local image has this reference (mcpd never pulls). */
    public static final class NoSuchImage extends ContainerRuntimeException {
        private final String image;

        public NoSuchImage(String image) {
            super("no such image '" + image + "'", null);
            this.image = image;
        }

        /** The image reference that was asked for. */
        public String image() {
            return image;
        }
    }

    /** The request conflicts with the current state: a name in use, a running container removed without force. */
    public static final class Conflict extends ContainerRuntimeException {
        public Conflict(String message) {
            super(message, null);
        }
    }

    /** Nothing answers at the runtime's endpoint. */
    public static final class Unreachable extends ContainerRuntimeException {
        private final String endpoint;

        /**
         * @param endpoint the endpoint tried, e.g. {@code unix:///run/podman/podman.sock}
         * @param detail what went wrong, e.g. {@code no such socket} or {@code connection refused}
         */
        public Unreachable(String endpoint, String detail, Throwable cause) {
            super("container runtime not reachable at " + endpoint + ": " + detail, cause);
            this.endpoint = requireNonNull(endpoint, "endpoint is null");
        }

        /** The endpoint tried. */
        public String endpoint() {
            return endpoint;
        }
    }

    /** The runtime did not answer in time; the operation may still complete on the runtime's side. */
    public static final class DeadlineExceeded extends ContainerRuntimeException {
        private final String operation;
        private final Duration waited;

        public DeadlineExceeded(String endpoint, String operation, Duration waited) {
            super("container runtime at " + endpoint + " did not answer " + operation + " within "
                    + Math.max(0, waited.toMillis()) + " ms", null);
            this.operation = requireNonNull(operation, "operation is null");
            this.waited = requireNonNull(waited, "waited is null");
        }

        /** The operation that ran out of time, e.g. {@code stop}. */
        public String operation() {
            return operation;
        }

        /** How long the caller waited. */
        public Duration waited() {
            return waited;
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
            super(message, cause);
            this.httpStatus = httpStatus;
        }

        /** The HTTP status of the runtime's answer, or 0 if there was none. */
        public int httpStatus() {
            return httpStatus;
        }
    }
}
