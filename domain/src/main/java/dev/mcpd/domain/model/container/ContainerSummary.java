package dev.mcpd.domain.model.container;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Map;

/**
 * One row of a container listing ({@code GET /containers/json}).
 *
 * @param id the full container id (64 hex digits for Docker and Podman)
 * @param name the container's name without Docker's leading slash
 * @param image the image as the container was created from it (a reference such as {@code busybox:latest}, or an id)
 * @param command the command line, as the runtime renders it
 * @param created when the container was created
 * @param state its state
 * @param status the runtime's human-readable status, e.g. {@code Up 3 minutes} or {@code Exited (0) 2 seconds ago}
 * @param labels its labels, in key order
 */
public record ContainerSummary(
        String id,
        String name,
        String image,
        String command,
        Instant created,
        ContainerState state,
        String status,
        Map<String, String> labels) {

    public ContainerSummary {
        requireNonNull(id, "id is null");
        requireNonNull(name, "name is null");
        requireNonNull(image, "image is null");
        requireNonNull(command, "command is null");
        requireNonNull(created, "created is null");
        requireNonNull(state, "state is null");
        requireNonNull(status, "status is null");
        labels = SortedMaps.sortedCopy(labels, "labels");
    }

    /** The first 12 characters of the id, as {@code docker ps} shows it. */
    public String shortId() {
        return ContainerDetails.shorten(id);
    }
}
