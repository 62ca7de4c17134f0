package dev.mcpd.adapter.secondary.container;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import dev.mcpd.domain.error.ContainerRuntimeException;
import java.io.IOException;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * docker-java's failures translated into the {@link ContainerRuntimeException} family of the port (B-B1, B-B4).
 *
 * <p>Podman answers some conflicts with HTTP 500 rather than 409 (a name in use, removing a running container);
 * those are recognised by the {@code cause} of the error body and reported as conflicts. An I/O failure anywhere in
 * the cause chain means the runtime could not be talked to: {@link ContainerRuntimeException.Unreachable}, naming
 * the endpoint.
 */
final class DockerErrors {

    private static final Logger log = LoggerFactory.getLogger(DockerErrors.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private DockerErrors() {
    }

    /**
     * @param endpoint the runtime's endpoint, named in every unreachable error
     * @param operation the port operation ({@code run}, {@code stop}, ...); a not-found on {@code run} is the image's
     * @param subject the container (or image, for run) the call is about, or {@code null}; a not-found with no
     *        subject is a plain failure
     * @param failure what the call threw (the cause of the deadline call's {@code ExecutionException})
     * @return the port's exception for {@code failure}
     */
    static ContainerRuntimeException translate(String endpoint, String operation, String subject, Throwable failure) {
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
                    yield new ContainerRuntimeException.Unreachable(endpoint, describe(io), failure);
                }
                log.debug("{} at {} failed unexpectedly", operation, endpoint, failure);
                yield new ContainerRuntimeException.Failure(0, operation + " failed: " + failure, failure);
            }
        };
    }

    /** The runtime's own message from the error body ({@code {"message": …}}), else the exception's. */
    static String runtimeMessage(DockerException e) {
        String message = field(e, "message");
        return message != null ? message : e.getMessage();
    }

    private static boolean isPodmanConflict(DockerException e) {
        String cause = field(e, "cause");
        return cause != null && (cause.contains("already in use") || cause.contains("container state improper"));
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
}
