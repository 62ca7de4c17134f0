package dev.mcpd.application.containers;

import dev.mcpd.application.tool.TextTable;
import dev.mcpd.domain.model.container.ContainerDetails;
import dev.mcpd.domain.model.container.ContainerSummary;
import dev.mcpd.domain.model.container.ImageSummary;
import dev.mcpd.domain.model.container.LogLine;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Readable renderings of the containers engine's results, shaped like the {@code docker} CLI's output. */
final class ContainerText {

    private static final int COMMAND_WIDTH = 20;

    private ContainerText() {}

    /** A {@code docker ps} table: CONTAINER ID, IMAGE, COMMAND, CREATED, STATUS, NAMES. */
    static String containerTable(List<ContainerSummary> containers, Instant now) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "NAMES"));
        for (ContainerSummary container : containers) {
            rows.add(List.of(container.shortId(), container.image(), "\"" + truncate(container.command(), COMMAND_WIDTH) + "\"",
                    ago(container.created(), now), container.status(), container.name()));
        }
        return TextTable.DOCKER.render(rows);
    }

    /** A {@code docker images} table: REPOSITORY, TAG, IMAGE ID, CREATED, SIZE; one row per tag. */
    static String imageTable(List<ImageSummary> images, Instant now) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE"));
        for (ImageSummary image : images) {
            List<String> tags = image.tags().isEmpty() ? List.of("<none>:<none>") : image.tags();
            for (String tag : tags) {
                int colon = tag.lastIndexOf(':');
                boolean hasTag = colon > tag.lastIndexOf('/');
                rows.add(List.of(hasTag ? tag.substring(0, colon) : tag, hasTag ? tag.substring(colon + 1) : "<none>",
                        image.shortId(), ago(image.created(), now), size(image.sizeBytes())));
            }
        }
        return TextTable.DOCKER.render(rows);
    }

    /** The main facts of an inspected container, one per line. */
    static String details(ContainerDetails container, Instant now) {
        StringBuilder text = new StringBuilder();
        text.append("container ").append(container.name()).append(" (").append(container.shortId()).append(")\n");
        line(text, "id", container.id());
        line(text, "image", container.image() + (container.imageId() == null ? "" : " (" + shortId(container.imageId()) + ")"));
        line(text, "command", container.command().isEmpty() ? "(image default)" : String.join(" ", container.command()));
        StringBuilder state = new StringBuilder(container.state().wireName());
        if (container.pid() != null && container.state().isActive()) {
            state.append(", pid ").append(container.pid());
        }
        if (container.exitCode() != null && !container.state().isActive()) {
            state.append(", exit code ").append(container.exitCode());
        }
        line(text, "state", state.toString());
        line(text, "created", container.created() + " (" + ago(container.created(), now) + ")");
        if (container.startedAt() != null) {
            line(text, "started", container.startedAt() + " (" + ago(container.startedAt(), now) + ")");
        }
        if (container.finishedAt() != null && !container.state().isActive()) {
            line(text, "finished", container.finishedAt() + " (" + ago(container.finishedAt(), now) + ")");
        }
        if (container.error() != null && !container.error().isBlank()) {
            line(text, "error", container.error());
        }
        if (container.network() != null) {
            line(text, "network", container.network());
        }
        line(text, "init", String.valueOf(container.init()));
        line(text, "auto-remove", String.valueOf(container.autoRemove()));
        line(text, "labels", container.labels().isEmpty() ? "(none)" : labels(container.labels()));
        return text.toString().stripTrailing();
    }

    /** Log lines as {@code docker logs} prints them, with the timestamp first when there is one. */
    static String logLines(List<LogLine> lines) {
        StringBuilder text = new StringBuilder();
        for (LogLine line : lines) {
            if (line.timestamp() != null) {
                text.append(line.timestamp()).append(' ');
            }
            text.append(line.text()).append('\n');
        }
        return text.toString();
    }

    static String labels(Map<String, String> labels) {
        List<String> pairs = new ArrayList<>();
        labels.forEach((key, value) -> pairs.add(key + "=" + value));
        return String.join(", ", pairs);
    }

    /** Docker's human duration: {@code Less than a second ago}, {@code 3 minutes ago}, {@code About an hour ago}. */
    static String ago(Instant then, Instant now) {
        Duration elapsed = Duration.between(then, now);
        if (elapsed.isNegative()) {
            elapsed = Duration.ZERO;
        }
        long seconds = elapsed.toSeconds();
        String human;
        if (seconds < 1) {
            human = "Less than a second";
        } else if (seconds == 1) {
            human = "1 second";
        } else if (seconds < 60) {
            human = seconds + " seconds";
        } else if (elapsed.toMinutes() == 1) {
            human = "About a minute";
        } else if (elapsed.toMinutes() < 60) {
            human = elapsed.toMinutes() + " minutes";
        } else if (elapsed.toHours() == 1) {
            human = "About an hour";
        } else if (elapsed.toHours() < 48) {
            human = elapsed.toHours() + " hours";
        } else if (elapsed.toDays() < 14) {
            human = elapsed.toDays() + " days";
        } else if (elapsed.toDays() < 60) {
            human = elapsed.toDays() / 7 + " weeks";
        } else if (elapsed.toDays() < 730) {
            human = elapsed.toDays() / 30 + " months";
        } else {
            human = elapsed.toDays() / 365 + " years";
        }
        return human + " ago";
    }

    /** Docker's human size, in SI units with three significant digits: {@code 2.14MB}, {@code 512B}. */
    static String size(long bytes) {
        String[] units = {"B", "kB", "MB", "GB", "TB", "PB", "EB"};
        double value = bytes;
        int unit = 0;
        while (value >= 1000 && unit < units.length - 1) {
            value /= 1000;
            unit++;
        }
        String digits = String.format(Locale.ROOT, "%.3g", value);
        if (digits.contains(".")) {
            digits = digits.replaceAll("0+$", "").replaceAll("\\.$", "");
        }
        return digits + units[unit];
    }

    static String shortId(String id) {
        String bare = id.startsWith("sha256:") ? id.substring("sha256:".length()) : id;
        return bare.length() <= 12 ? bare : bare.substring(0, 12);
    }

    static String truncate(String text, int width) {
        return text.length() <= width ? text : text.substring(0, width - 1) + "…";
    }

    private static void line(StringBuilder text, String key, String value) {
        text.append("  ").append(key).append(": ").append(" ".repeat(Math.max(0, 12 - key.length()))).append(value).append('\n');
    }
}
