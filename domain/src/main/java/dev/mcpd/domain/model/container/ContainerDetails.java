package dev.mcpd.domain.model.container;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What inspecting a container tells ({@code GET /containers/{id}/json}). Fields the runtime did not report are
 * {@code null}.
 *
 * @param id the full container id
 * @param name the container's name without Docker's leading slash
 * @param image the image reference the container was created from
 * @param imageId the id of that image, or {@code null}
 * @param command the entrypoint and command as one argument vector (may be empty)
 * @param state its state
 * @param exitCode the exit code of its last run, or {@code null} if it never exited
 * @param pid the host pid of its main process while running, or {@code null}
 * @param created when it was created
 * @param startedAt when it last started, or {@code null} if never
 * @param finishedAt when it last stopped, or {@code null} if never
 * @param error the runtime's error text for its last start, or {@code null}
 * @param labels its labels, in key order
 * @param network its network mode ({@code bridge}, {@code none}, {@code host}, a network name), or {@code null}
 * @param init whether it runs an init process as pid 1
 * @param autoRemove whether the runtime removes it when it stops
 */
public record ContainerDetails(
        String id,
        String name,
        String image,
        String imageId,
        List<String> command,
        ContainerState state,
        Integer exitCode,
        Long pid,
        Instant created,
        Instant startedAt,
        Instant finishedAt,
        String error,
        Map<String, String> labels,
        String network,
        boolean init,
        boolean autoRemove) {

    public ContainerDetails {
        requireNonNull(id, "id is null");
        requireNonNull(name, "name is null");
        requireNonNull(image, "image is null");
        command = List.copyOf(requireNonNull(command, "command is null"));
        requireNonNull(state, "state is null");
        requireNonNull(created, "created is null");
        labels = SortedMaps.sortedCopy(labels, "labels");
    }

    /** The first 12 characters of the id, as {@code docker ps} shows it. */
    public String shortId() {
        return shorten(id);
    }

    static String shorten(String id) {
        String bare = id.startsWith("sha256:") ? id.substring("sha256:".length()) : id;
        return bare.length() <= 12 ? bare : bare.substring(0, 12);
    }
}
