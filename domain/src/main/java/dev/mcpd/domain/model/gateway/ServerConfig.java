package dev.mcpd.domain.model.gateway;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One stdio MCP server the gateway hosts, as configured in {@code servers.json}: the Claude Desktop keys
 * ({@code command}, {@code args}, {@code env}, plus {@code cwd} and {@code disabled}) and mcpd's own
 * ({@code mode}, {@code idleTimeout}, {@code startTimeout}, {@code forwardEnv}).
 *
 * @param name the key under {@code mcpServers}; not blank
 * @param command the program to start (a path, or a name looked up on the child's {@code PATH}); not blank
 * @param args its arguments, in order
 * @param env variables the child gets on top of its minimal environment (insertion-ordered)
 * @param cwd the child's working directory (absolute), or empty for the daemon's
 * @param disabled whether the server is configured but not served
 * @param mode how sessions share the child
 * @param idleTimeout how long the child may stay without activity before it is stopped; positive
 * @param startTimeout how long a start may take, to the answer of {@code initialize}; positive
 * @param forwardEnv names of variables taken from a session's hello (never {@code MCPD_*})
 */
public record ServerConfig(
        String name,
        String command,
        List<String> args,
        Map<String, String> env,
        Optional<Path> cwd,
        boolean disabled,
        SharingMode mode,
        Duration idleTimeout,
        Duration startTimeout,
        List<String> forwardEnv) {

    /** The idle stop when none is configured. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(10);

    /** The start bound when none is configured: {@code npx -y} takes 10–30 s on a first download. */
    public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(60);

    public ServerConfig {
        requireNonNull(name, "name is null");
        requireNonNull(command, "command is null");
        args = List.copyOf(args);
        env = Collections.unmodifiableMap(new LinkedHashMap<>(env));
        requireNonNull(cwd, "cwd is null");
        requireNonNull(mode, "mode is null");
        requireNonNull(idleTimeout, "idleTimeout is null");
        requireNonNull(startTimeout, "startTimeout is null");
        forwardEnv = List.copyOf(forwardEnv);
        if (name.isBlank() || command.isBlank()) {
            throw new IllegalArgumentException("a server needs a name and a command");
        }
    }
}
