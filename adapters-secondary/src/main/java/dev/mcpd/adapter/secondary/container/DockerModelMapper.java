package dev.mcpd.adapter.secondary.container;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Image;
import dev.mcpd.domain.model.container.ContainerDetails;
import dev.mcpd.domain.model.container.ContainerState;
import dev.mcpd.domain.model.container.ContainerSummary;
import dev.mcpd.domain.model.container.ImageSummary;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * docker-java's model objects mapped to the port's records, so that no docker-java type leaves the adapter (STYLE
 * rule 1). Absent fields become empty strings, empty collections or {@code null} as each record documents; the
 * leading {@code /} of Docker's container names is dropped.
 */
final class DockerModelMapper {

    private DockerModelMapper() {
    }

    /** One row of {@code GET /containers/json}; {@code created} is epoch seconds there. */
    static ContainerSummary summary(Container container) {
        String[] names = container.getNames();
        String name = names == null || names.length == 0 ? "" : stripSlash(names[0]);
        return new ContainerSummary(
                container.getId(),
                name,
                nonNull(container.getImage(), ""),
                nonNull(container.getCommand(), ""),
                Instant.ofEpochSecond(container.getCreated() == null ? 0 : container.getCreated()),
                ContainerState.parse(container.getState()),
                nonNull(container.getStatus(), ""),
                container.getLabels() == null ? Map.of() : container.getLabels());
    }

    /** {@code GET /containers/{id}/json}: an exit code only once the container has finished, a pid only while > 0. */
    static ContainerDetails details(InspectContainerResponse response) {
        InspectContainerResponse.ContainerState state = response.getState();
        List<String> command = new ArrayList<>();
        if (response.getPath() != null && !response.getPath().isEmpty()) {
            command.add(response.getPath());
        }
        if (response.getArgs() != null) {
            command.addAll(Arrays.asList(response.getArgs()));
        }
        var config = response.getConfig();
        HostConfig hostConfig = response.getHostConfig();
        Long pid = state == null ? null : state.getPidLong();
        Long exitCode = state == null ? null : state.getExitCodeLong();
        Instant finishedAt = state == null ? null : time(state.getFinishedAt());
        ContainerState parsed = state == null ? ContainerState.UNKNOWN : ContainerState.parse(state.getStatus());
        return new ContainerDetails(
                response.getId(),
                stripSlash(nonNull(response.getName(), "")),
                config != null && config.getImage() != null ? config.getImage() : nonNull(response.getImageId(), ""),
                response.getImageId(),
                command,
                parsed,
                finishedAt == null || exitCode == null ? null : (int) (long) exitCode,
                pid == null || pid == 0 ? null : pid,
                nonNullTime(time(response.getCreated())),
                state == null ? null : time(state.getStartedAt()),
                finishedAt,
                state == null ? null : state.getError(),
                config == null || config.getLabels() == null ? Map.of() : config.getLabels(),
                hostConfig == null ? null : hostConfig.getNetworkMode(),
                hostConfig != null && Boolean.TRUE.equals(hostConfig.getInit()),
                hostConfig != null && Boolean.TRUE.equals(hostConfig.getAutoRemove()));
    }

    /** One row of {@code GET /images/json}, without the {@code <none>:<none>} tag of an untagged image. */
    static ImageSummary image(Image image) {
        List<String> tags = image.getRepoTags() == null ? List.of()
                : Arrays.stream(image.getRepoTags()).filter(tag -> !tag.equals("<none>:<none>")).toList();
        return new ImageSummary(image.getId(), tags, image.getSize() == null ? 0 : image.getSize(),
                Instant.ofEpochSecond(image.getCreated() == null ? 0 : image.getCreated()));
    }

    /** An RFC 3339 time from the API, {@code null} for absent or Go's zero time. */
    static Instant time(String text) {
        if (text == null || text.isBlank() || text.startsWith("0001-01-01")) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** {@code value}, or {@code otherwise} when it is null or blank. */
    static String nonNull(String value, String otherwise) {
        return value == null || value.isBlank() ? otherwise : value;
    }

    private static String stripSlash(String name) {
        return name.startsWith("/") ? name.substring(1) : name;
    }

    private static Instant nonNullTime(Instant time) {
        return time == null ? Instant.EPOCH : time;
    }
}
