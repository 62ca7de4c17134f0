package dev.mcpd.domain.model.container;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;

/**
 * One local image ({@code GET /images/json}).
 *
 * @param id the image id, e.g. {@code sha256:8cf0…}
 * @param tags its repository tags, e.g. {@code localhost/mcpd-busybox:latest}; empty for a dangling image
 * @param sizeBytes its size in bytes
 * @param created when it was built
 */
public record ImageSummary(String id, List<String> tags, long sizeBytes, Instant created) {

    public ImageSummary {
        requireNonNull(id, "id is null");
        tags = List.copyOf(requireNonNull(tags, "tags is null"));
        requireNonNull(created, "created is null");
    }

    /** The first 12 hex digits of the id, as {@code docker images} shows it. */
    public String shortId() {
        return ContainerDetails.shorten(id);
    }
}
