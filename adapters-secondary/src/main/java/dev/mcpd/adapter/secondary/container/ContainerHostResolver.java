package dev.mcpd.adapter.secondary.container;

import static java.util.Objects.requireNonNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Finds the container runtime's endpoint (B-B1, B-G6). Candidates, in order; the first that exists wins:
 * <ol>
 *   <li>{@code DOCKER_HOST}: from the caller's forwarded environment (the client hello), else the daemon's own;
 *   <li>{@code MCPD_CONTAINER_HOST}: likewise;
 *   <li>{@code /var/run/docker.sock};
 *   <li>{@code $XDG_RUNTIME_DIR/podman/podman.sock} (rootless Podman), {@code XDG_RUNTIME_DIR} looked up likewise;
 *   <li>{@code /run/podman/podman.sock} (rootful Podman).
 * </ol>
 * A variable holds {@code unix:///path}, a bare absolute path, or {@code tcp://host:port} (taken as existing, since
 * it cannot be checked without connecting). When nothing exists, the first candidate is returned with
 * {@link ContainerHost#found()} false, so that errors name what was tried.
 */
public final class ContainerHostResolver {

    public static final String DOCKER_HOST = "DOCKER_HOST";
    public static final String MCPD_CONTAINER_HOST = "MCPD_CONTAINER_HOST";
    public static final String DOCKER_SOCKET = "/var/run/docker.sock";
    public static final String ROOTFUL_PODMAN_SOCKET = "/run/podman/podman.sock";

    private final Map<String, String> processEnvironment;
    private final Predicate<Path> exists;

    /**
     * @param processEnvironment the daemon's own environment, consulted after the forwarded one
     * @param exists whether a socket file exists (a seam for tests)
     */
    public ContainerHostResolver(Map<String, String> processEnvironment, Predicate<Path> exists) {
        this.processEnvironment = Map.copyOf(requireNonNull(processEnvironment, "processEnvironment is null"));
        this.exists = requireNonNull(exists, "exists is null");
    }

    /** A resolver over this process's environment and file system. */
    public static ContainerHostResolver system() {
        return new ContainerHostResolver(System.getenv(), Files::exists);
    }

    /**
     * @param forwarded the caller's forwarded environment; empty for the daemon's own
     */
    public ContainerHost resolve(Map<String, String> forwarded) {
        requireNonNull(forwarded, "forwarded is null");
        // In order: a candidate endpoint, or only a note saying why a rule gave none.
        List<Candidate> candidates = new ArrayList<>();
        for (String variable : List.of(DOCKER_HOST, MCPD_CONTAINER_HOST)) {
            String value = lookup(variable, forwarded);
            String endpoint = value == null ? null : normalise(value);
            candidates.add(value == null ? Candidate.skipped(variable + " (unset)")
                    : endpoint == null ? Candidate.skipped(variable + "=" + value
                            + " (unsupported: use unix:///path or tcp://host:port)")
                    : new Candidate(endpoint, variable, variable + "=" + endpoint));
        }
        candidates.add(Candidate.path(DOCKER_SOCKET));
        String runtimeDir = lookup("XDG_RUNTIME_DIR", forwarded);
        candidates.add(runtimeDir == null
                ? Candidate.skipped("$XDG_RUNTIME_DIR/podman/podman.sock (XDG_RUNTIME_DIR unset)")
                : Candidate.path(Path.of(runtimeDir, "podman", "podman.sock").toString()));
        candidates.add(Candidate.path(ROOTFUL_PODMAN_SOCKET));

        List<String> tried = new ArrayList<>();
        Candidate first = null;
        for (Candidate candidate : candidates) {
            if (candidate.endpoint == null) {
                tried.add(candidate.label);
                continue;
            }
            first = first == null ? candidate : first;
            boolean present = !candidate.endpoint.startsWith("unix://")
                    || exists.test(Path.of(candidate.endpoint.substring("unix://".length())));
            tried.add(candidate.label + (present ? "" : " (no such socket)"));
            if (present) {
                return new ContainerHost(candidate.endpoint, candidate.source, true, tried);
            }
        }
        return new ContainerHost(requireNonNull(first, "no candidate").endpoint, "none found", false, tried);
    }

    private String lookup(String variable, Map<String, String> forwarded) {
        String value = forwarded.get(variable);
        if (value == null || value.isBlank()) {
            value = processEnvironment.get(variable);
        }
        return value == null || value.isBlank() ? null : value.trim();
    }

    /** {@code unix:///p}, {@code /p} → {@code unix:///p}; {@code tcp://h:p} kept; anything else {@code null}. */
    static String normalise(String value) {
        if (value.startsWith("unix://")) {
            String path = value.substring("unix://".length());
            return path.startsWith("/") ? "unix://" + path : null;
        }
        if (value.startsWith("/")) {
            return "unix://" + value;
        }
        if (value.startsWith("tcp://") && value.length() > "tcp://".length()) {
            return value;
        }
        return null;
    }

    private record Candidate(String endpoint, String source, String label) {
        static Candidate skipped(String label) {
            return new Candidate(null, null, label);
        }

        static Candidate path(String socket) {
            return new Candidate("unix://" + socket, "default path", socket);
        }
    }
}
