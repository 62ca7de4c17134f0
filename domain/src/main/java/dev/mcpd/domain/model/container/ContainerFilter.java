package dev.mcpd.domain.model.container;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Which containers a listing returns.
 *
 * @param all include containers that are not running (as {@code docker ps -a})
 * @param labels every selector must match (logical and); empty selects all
 */
public record ContainerFilter(boolean all, List<LabelSelector> labels) {

    public ContainerFilter {
        labels = List.copyOf(requireNonNull(labels, "labels is null"));
    }

    /** Running containers only, no label filter (as {@code docker ps}). */
    public static ContainerFilter running() {
        return new ContainerFilter(false, List.of());
    }

    /** Every container, whatever its state (as {@code docker ps -a}). */
    public static ContainerFilter everything() {
        return new ContainerFilter(true, List.of());
    }

    /** This filter narrowed to containers whose label {@code key} equals {@code value}. */
    public ContainerFilter withLabel(String key, String value) {
        List<LabelSelector> more = new ArrayList<>(labels);
        more.add(LabelSelector.equalTo(key, value));
        return new ContainerFilter(all, more);
    }

    /** Whether a container in {@code state} with {@code containerLabels} is selected. */
    public boolean matches(ContainerState state, Map<String, String> containerLabels) {
        if (!all && state != ContainerState.RUNNING) {
            return false;
        }
        return labels.stream().allMatch(selector -> selector.matches(containerLabels));
    }
}
