package dev.mcpd.domain.model.container;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What to create and start, as {@code docker run -d}.
 *
 * @param image the image reference, e.g. {@code localhost/mcpd-busybox:latest}; it must be present locally
 * @param name the container name, or {@code null} to let the runtime choose one
 * @param command the command replacing the image's default; empty keeps the image's
 * @param env environment variables, in key order
 * @param labels labels, in key order
 * @param init run an init process as pid 1 that forwards signals and reaps zombies ({@code --init})
 * @param network the network mode ({@code none}, {@code bridge}, {@code host}, a network name), or {@code null}
 *        for the runtime's default
 * @param autoRemove remove the container when it stops ({@code --rm})
 */
public record ContainerRunSpec(
        String image,
        String name,
        List<String> command,
        Map<String, String> env,
        Map<String, String> labels,
        boolean init,
        String network,
        boolean autoRemove) {

    /** Docker's rule for container names ({@code [a-zA-Z0-9][a-zA-Z0-9_.-]+}). */
    public static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]+");

    public ContainerRunSpec {
        requireNonNull(image, "image is null");
        if (image.isBlank()) {
            throw new IllegalArgumentException("an image is needed");
        }
        if (name != null && !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("container name '" + name
                    + "' is invalid: use letters, digits, '_', '.', '-', starting with a letter or digit");
        }
        command = List.copyOf(requireNonNull(command, "command is null"));
        env = SortedMaps.sortedCopy(env, "env");
        for (String key : env.keySet()) {
            if (key.isEmpty() || key.indexOf('=') >= 0) {
                throw new IllegalArgumentException("environment variable name '" + key + "' is invalid: it must be "
                        + "non-empty and contain no '='");
            }
        }
        labels = SortedMaps.sortedCopy(labels, "labels");
        if (network != null && network.isBlank()) {
            network = null;
        }
    }

    /** A builder for a spec of {@code image} with no name, the image's command, no init, default network. */
    public static Builder builder(String image) {
        return new Builder(image);
    }

    /** A builder initialised with this spec. */
    public Builder toBuilder() {
        Builder builder = new Builder(image).name(name).command(command).init(init).network(network).autoRemove(autoRemove);
        env.forEach(builder::env);
        labels.forEach(builder::label);
        return builder;
    }

    /** Builds a {@link ContainerRunSpec}; validation happens in {@link #build()}. */
    public static final class Builder {
        private final String image;
        private String name;
        private List<String> command = List.of();
        private final Map<String, String> env = new LinkedHashMap<>();
        private final Map<String, String> labels = new LinkedHashMap<>();
        private boolean init;
        private String network;
        private boolean autoRemove;

        private Builder(String image) {
            this.image = image;
        }

        public Builder name(String name) {
            this.name = name;
            return this;
        }

        public Builder command(List<String> command) {
            this.command = new ArrayList<>(requireNonNull(command, "command is null"));
            return this;
        }

        public Builder command(String... command) {
            return command(List.of(command));
        }

        public Builder env(String key, String value) {
            env.put(key, value);
            return this;
        }

        public Builder label(String key, String value) {
            labels.put(key, value);
            return this;
        }

        public Builder init(boolean init) {
            this.init = init;
            return this;
        }

        public Builder network(String network) {
            this.network = network;
            return this;
        }

        public Builder autoRemove(boolean autoRemove) {
            this.autoRemove = autoRemove;
            return this;
        }

        /**
         * @throws IllegalArgumentException if the image is blank, the name or an environment variable name is invalid
         */
        public ContainerRunSpec build() {
            return new ContainerRunSpec(image, name, command, env, labels, init, network, autoRemove);
        }
    }
}
