package dev.mcpd.adapter.secondary.hyperd;

import static java.util.Objects.requireNonNull;

import java.io.File;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the {@code hyperd} executable: {@code MCPD_HYPERD_PATH} (a file, or a directory holding {@code hyperd}), then
 * the usual places of a Hyper API installation, then {@code PATH}. The places looked at are kept, so that
 * {@code mcpd doctor} can say where it looked.
 */
public final class HyperdBinaryLocator {

    /** The environment variable that names hyperd. */
    public static final String ENV = "MCPD_HYPERD_PATH";

    /**
     * What a search found.
     *
     * @param binary the executable found, if any
     * @param searched every place looked at, in order, as a person would write it (globs included)
     */
    public record Located(Optional<Path> binary, List<String> searched) {
        public Located {
            requireNonNull(binary, "binary is null");
            searched = List.copyOf(searched);
        }

        /** Why no binary was found and how to get one; empty when one was. */
        public String whyMissing() {
            return binary.isPresent() ? "" : "no hyperd executable found (looked in: " + String.join(", ", searched)
                    + "); run scripts/setup-hyperd.sh, pip install tableauhyperapi, or set " + ENV;
        }
    }

    private HyperdBinaryLocator() {}

    /** Searches with this process's environment. */
    public static Located system() {
        return locate(System.getenv());
    }

    /** Searches with {@code env} (for {@code MCPD_HYPERD_PATH}, {@code HOME} and {@code PATH}). */
    public static Located locate(Map<String, String> env) {
        List<String> searched = new ArrayList<>();
        String configured = env.get(ENV);
        if (configured != null && !configured.isBlank()) {
            Path path = Path.of(configured.trim());
            searched.add(ENV + "=" + path);
            Path candidate = Files.isDirectory(path) ? path.resolve("hyperd") : path;
            // An explicit setting is never second-guessed by a search elsewhere.
            return new Located(executable(candidate) ? Optional.of(candidate.toAbsolutePath()) : Optional.empty(), searched);
        }
        String home = env.getOrDefault("HOME", System.getProperty("user.home"));
        List<String> globs = List.of(
                home + "/.cache/mcpd/hyperd/*/package/hyperd",
                home + "/.local/lib/python3*/site-packages/tableauhyperapi/bin/hyper/hyperd",
                "/usr/local/lib/python3*/site-packages/tableauhyperapi/bin/hyper/hyperd",
                "/usr/local/lib/python3*/dist-packages/tableauhyperapi/bin/hyper/hyperd",
                "/usr/lib/python3/dist-packages/tableauhyperapi/bin/hyper/hyperd",
                "/opt/tableau/hyper/hyperd");
        for (String glob : globs) {
            searched.add(glob);
            Optional<Path> found = expand(glob);
            if (found.isPresent()) {
                return new Located(found, searched);
            }
        }
        searched.add("PATH");
        for (String dir : env.getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!dir.isBlank() && executable(Path.of(dir, "hyperd"))) {
                return new Located(Optional.of(Path.of(dir, "hyperd").toAbsolutePath()), searched);
            }
        }
        return new Located(Optional.empty(), searched);
    }

    /** Expands {@code *} in any path segment; the last match in name order wins (the newest version). */
    private static Optional<Path> expand(String glob) {
        List<Path> current = List.of(Path.of("/"));
        for (String segment : glob.substring(1).split("/")) {
            List<Path> next = new ArrayList<>();
            for (Path dir : current) {
                if (!segment.contains("*")) {
                    Path child = dir.resolve(segment);
                    if (Files.exists(child)) {
                        next.add(child);
                    }
                    continue;
                }
                if (!Files.isDirectory(dir)) {
                    continue;
                }
                try (DirectoryStream<Path> children = Files.newDirectoryStream(dir, segment)) {
                    children.forEach(next::add);
                } catch (IOException e) {
                    // an unreadable directory holds nothing we can use
                }
            }
            next.sort(null);
            current = next;
        }
        for (int i = current.size() - 1; i >= 0; i--) {
            if (executable(current.get(i))) {
                return Optional.of(current.get(i));
            }
        }
        return Optional.empty();
    }

    private static boolean executable(Path path) {
        return Files.isRegularFile(path) && Files.isExecutable(path);
    }
}
