package dev.mcpd.adapter.secondary.container;

import static java.util.Objects.requireNonNull;

import com.sun.security.auth.module.UnixSystem;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Finds the container runtime's endpoint for one caller (B-B1, B-G6). Candidates, in order; the first usable wins:
 * <ol>
 *   <li>{@code DOCKER_HOST} from the caller's forwarded environment (the client hello);
 *   <li>{@code MCPD_CONTAINER_HOST}, likewise;
 *   <li>{@code /var/run/docker.sock};
 *   <li>{@code $XDG_RUNTIME_DIR/podman/podman.sock} (rootless Podman) with the forwarded {@code XDG_RUNTIME_DIR};
 *   <li>{@code /run/user/<uid>/podman/podman.sock}, the same for this process's own uid, whatever was forwarded;
 *   <li>{@code /run/podman/podman.sock} (rootful Podman).
 * </ol>
 * The daemon's own environment is never consulted: it is the environment of whichever session happened to
 * cold-start the daemon, and must not choose the runtime of every later session (review finding 8). A proxy serving
 * in-process forwards its own environment as the hello's, so nothing is lost there.
 *
 * <p>A variable holds {@code unix:///path}, a bare absolute path, or {@code tcp://host:port} (taken as usable: it
 * cannot be checked without connecting; ADR 0014 says what a client may point the daemon at). A Unix candidate is
 * usable when it is a socket owned by this process's uid or by root (review finding 21): the daemon never speaks HTTP
 * to a regular file, nor to another user's socket. When nothing is usable, the first candidate is returned with
 * {@link ContainerHost#found()} false, so that errors name what was tried.
 */
public final class ContainerHostResolver {

    public static final String DOCKER_HOST = "DOCKER_HOST";
    public static final String MCPD_CONTAINER_HOST = "MCPD_CONTAINER_HOST";
    public static final String DOCKER_SOCKET = "/var/run/docker.sock";
    public static final String ROOTFUL_PODMAN_SOCKET = "/run/podman/podman.sock";

    /** Why a path is not a usable runtime socket, or null when it is (a seam for tests). */
    @FunctionalInterface
    public interface SocketCheck {
        /** @return a short reason such as {@code no such socket}, or null when {@code path} is usable */
        String problem(Path path);
    }

    private final Path ownRuntimeDir;
    private final SocketCheck sockets;

    /**
     * @param ownRuntimeDir this process's user runtime dir ({@code /run/user/<uid>}), or null where there is none
     * @param sockets says whether a path is a usable socket
     */
    public ContainerHostResolver(Path ownRuntimeDir, SocketCheck sockets) {
        this.ownRuntimeDir = ownRuntimeDir;
        this.sockets = requireNonNull(sockets, "sockets is null");
    }

    /** A resolver over this process's uid and file system. */
    public static ContainerHostResolver system() {
        long uid = currentUid();
        return new ContainerHostResolver(uid < 0 ? null : Path.of("/run/user", Long.toString(uid)),
                path -> socketProblem(path, uid));
    }

    /**
     * @param forwarded the caller's forwarded environment (the hello's {@code env}); empty for none
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
        Path forwardedPodman = runtimeDir == null || !runtimeDir.startsWith("/") ? null
                : Path.of(runtimeDir, "podman", "podman.sock");
        Path ownPodman = ownRuntimeDir == null ? null : ownRuntimeDir.resolve("podman").resolve("podman.sock");
        if (forwardedPodman != null) {
            candidates.add(Candidate.path(forwardedPodman.toString()));
        }
        if (ownPodman != null && !ownPodman.equals(forwardedPodman)) {
            candidates.add(Candidate.path(ownPodman.toString()));
        }
        if (forwardedPodman == null && ownPodman == null) {
            candidates.add(Candidate.skipped("$XDG_RUNTIME_DIR/podman/podman.sock (XDG_RUNTIME_DIR unset)"));
        }
        candidates.add(Candidate.path(ROOTFUL_PODMAN_SOCKET));

        List<String> tried = new ArrayList<>();
        Candidate first = null;
        for (Candidate candidate : candidates) {
            if (candidate.endpoint == null) {
                tried.add(candidate.label);
                continue;
            }
            first = first == null ? candidate : first;
            String problem = candidate.endpoint.startsWith("unix://")
                    ? sockets.problem(Path.of(candidate.endpoint.substring("unix://".length()))) : null;
            tried.add(candidate.label + (problem == null ? "" : " (" + problem + ")"));
            if (problem == null) {
                return new ContainerHost(candidate.endpoint, candidate.source, true, tried);
            }
        }
        return new ContainerHost(requireNonNull(first, "no candidate").endpoint, "none found", false, tried);
    }

    private static String lookup(String variable, Map<String, String> forwarded) {
        String value = forwarded.get(variable);
        return value == null || value.isBlank() ? null : value.trim();
    }

    /**
     * {@code unix:///p}, {@code /p} → {@code unix:///p}; {@code tcp://host:port} with a host and a port kept;
     * anything else {@code null}.
     */
    static String normalise(String value) {
        if (value.startsWith("unix://")) {
            String path = value.substring("unix://".length());
            return path.startsWith("/") ? "unix://" + path : null;
        }
        if (value.startsWith("/")) {
            return "unix://" + value;
        }
        if (value.startsWith("tcp://")) {
            try {
                URI uri = new URI(value);
                boolean hostAndPort = uri.getHost() != null && uri.getPort() > 0 && uri.getUserInfo() == null
                        && (uri.getRawPath() == null || uri.getRawPath().isEmpty() || "/".equals(uri.getRawPath()))
                        && uri.getRawQuery() == null && uri.getRawFragment() == null;
                return hostAndPort ? "tcp://" + uri.getRawAuthority() : null;
            } catch (URISyntaxException e) {
                return null;
            }
        }
        return null;
    }

    /** Null when {@code path} is a socket of {@code uid} or root; else why not (following links, as a client does). */
    static String socketProblem(Path path, long uid) {
        Map<String, Object> attributes;
        try {
            attributes = Files.readAttributes(path, "unix:mode,uid");
        } catch (NoSuchFileException e) {
            return "no such socket";
        } catch (IOException | UnsupportedOperationException e) {
            return Files.exists(path) ? null : "no such socket"; // no unix view (Windows): existence is all we know
        }
        int mode = ((Number) attributes.get("mode")).intValue();
        if ((mode & 0170000) != 0140000) {
            return "not a socket";
        }
        long owner = ((Number) attributes.get("uid")).longValue();
        if (uid >= 0 && owner != uid && owner != 0) {
            return "a socket of uid " + owner + ", neither this user's nor root's";
        }
        return null;
    }

    /** This process's real uid, or -1 where there is none (Windows). */
    private static long currentUid() {
        if (System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows")) {
            return -1;
        }
        return new UnixSystem().getUid();
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
