package dev.mcpd.bootstrap.gateway;

import dev.mcpd.bootstrap.Durations;
import dev.mcpd.domain.error.ConfigurationException;
import dev.mcpd.domain.error.MalformedMessageException;
import dev.mcpd.domain.model.gateway.ServerConfig;
import dev.mcpd.domain.model.gateway.SharingMode;
import dev.mcpd.domain.port.JsonCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads {@code servers.json} (default {@code ~/.config/mcpd/servers.json}, {@code MCPD_CONFIG} overrides): an object
 * whose {@code mcpServers} block is Claude Desktop's format unchanged — {@code command}, {@code args}, {@code env},
 * plus {@code cwd} and {@code disabled} — with mcpd's own keys beside them: {@code mode} ({@code shared} or
 * {@code perSession}), {@code idleTimeout} and {@code startTimeout} ({@code 500ms}, {@code 30s}, {@code 5m},
 * {@code 1h} or ISO-8601) and {@code forwardEnv} (variable names taken from a session's hello).
 *
 * <p>Every problem of the file is reported at once, each naming where it is ({@code mcpServers.<name>.<key>}) and
 * what is accepted (B-X2); an unknown key is an error (with the nearest known key when there is one), never ignored.
 * A remote server ({@code url}, or a {@code type} other than {@code stdio}) is refused with what to do instead.
 */
public final class ServersFile {

    /** The keys a server entry may have, in the order the error messages list them. */
    public static final List<String> SERVER_KEYS = List.of("command", "args", "env", "cwd", "disabled", "type", "mode",
            "idleTimeout", "startTimeout", "forwardEnv");

    private static final List<String> TOP_LEVEL_KEYS = List.of("mcpServers", "$schema");
    private static final Pattern VARIABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private ServersFile() {}

    /**
     * @return the servers of {@code file} in file order; empty when the file does not exist (nothing configured)
     * @throws ConfigurationException listing every problem: unreadable, not JSON, or entries that do not check
     */
    public static List<ServerConfig> load(Path file, JsonCodec codec) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new ConfigurationException(List.of(file + ": cannot be read (" + e.getMessage() + ")"));
        }
        Object json;
        try {
            json = codec.parse(bytes, 0, bytes.length);
        } catch (MalformedMessageException e) {
            throw new ConfigurationException(List.of(file + ": not valid JSON (" + e.getMessage() + ")"));
        }
        return parse(json, file.toString());
    }

    /**
     * @param json the parsed file ({@link JsonCodec} shapes)
     * @param source what to name the file in messages
     * @return the servers in file order
     * @throws ConfigurationException listing every problem found
     */
    public static List<ServerConfig> parse(Object json, String source) {
        List<String> problems = new ArrayList<>();
        List<ServerConfig> servers = new ArrayList<>();
        if (!(json instanceof Map<?, ?> top)) {
            throw new ConfigurationException(List.of(source + ": must be a JSON object with an \"mcpServers\" object"));
        }
        unknownKeys(top, TOP_LEVEL_KEYS, source + ": ", problems);
        Object block = top.get("mcpServers");
        if (block != null && !(block instanceof Map<?, ?>)) {
            problems.add(source + ": mcpServers must be an object of servers by name");
        } else if (block instanceof Map<?, ?> entries) {
            entries.forEach((name, entry) -> {
                ServerConfig server = server((String) name, entry, source + ": mcpServers." + name, problems);
                if (server != null) {
                    servers.add(server);
                }
            });
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException(problems);
        }
        return List.copyOf(servers);
    }

    private static ServerConfig server(String name, Object entry, String where, List<String> problems) {
        if (!(entry instanceof Map<?, ?> map)) {
            problems.add(where + ": must be an object with at least \"command\"");
            return null;
        }
        int before = problems.size();
        if (name.isBlank()) {
            problems.add(where + ": a server needs a non-blank name");
        }
        if (map.containsKey("url") || map.containsKey("headers")
                || (map.get("type") instanceof String type && !type.equals("stdio"))) {
            problems.add(where + ": is a remote server (url/type " + map.get("type") + "); the gateway hosts stdio"
                    + " servers only: connect your host to the remote server directly");
            return null;
        }
        unknownKeys(map, SERVER_KEYS, where + ".", problems);
        Fields f = new Fields(map, where, problems);
        String command = f.string("command", null);
        if (command == null || command.isBlank()) {
            problems.add(where + ".command: required, the program to start (e.g. \"npx\")");
        }
        List<String> args = f.strings("args");
        Map<String, String> env = f.stringMap("env");
        env.keySet().stream().filter(key -> key.startsWith("MCPD_")).forEach(key -> problems.add(where + ".env." + key
                + ": MCPD_* variables are mcpd's own and never reach a server"));
        Optional<Path> cwd = Optional.ofNullable(f.string("cwd", null)).map(Path::of);
        if (cwd.isPresent() && !cwd.get().isAbsolute()) {
            problems.add(where + ".cwd: must be an absolute path (hosts start from different directories; ~ is not"
                    + " expanded), got \"" + cwd.get() + "\"");
        }
        boolean disabled = f.bool("disabled");
        f.string("type", "stdio");
        SharingMode mode = f.mode();
        Duration idle = f.duration("idleTimeout", ServerConfig.DEFAULT_IDLE_TIMEOUT);
        Duration start = f.duration("startTimeout", ServerConfig.DEFAULT_START_TIMEOUT);
        List<String> forward = f.strings("forwardEnv");
        for (String variable : forward) {
            if (!VARIABLE.matcher(variable).matches()) {
                problems.add(where + ".forwardEnv: \"" + variable + "\" is not a variable name");
            } else if (variable.startsWith("MCPD_")) {
                problems.add(where + ".forwardEnv: " + variable + " is mcpd's own; MCPD_* variables never reach a"
                        + " server");
            }
        }
        if (problems.size() > before) {
            return null;
        }
        return new ServerConfig(name, command, args, env, cwd, disabled, mode, idle, start, forward);
    }

    private static void unknownKeys(Map<?, ?> map, List<String> known, String prefix, List<String> problems) {
        for (Object key : map.keySet()) {
            if (!known.contains(key)) {
                String near = nearest((String) key, known);
                problems.add(prefix + key + ": unknown key" + (near == null ? "" : " (did you mean \"" + near + "\"?)")
                        + "; known: " + String.join(", ", known));
            }
        }
    }

    /** The known key within two edits of {@code key}, or null. */
    static String nearest(String key, List<String> known) {
        String best = null;
        int bestDistance = 3;
        for (String candidate : known) {
            int d = distance(key.toLowerCase(), candidate.toLowerCase());
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        return best;
    }

    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        Arrays.setAll(previous, i -> i);
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    /** Typed reads of one entry's keys; each wrong type adds one problem naming the key and what it accepts. */
    private record Fields(Map<?, ?> map, String where, List<String> problems) {

        String string(String key, String absent) {
            Object v = map.get(key);
            if (v == null) {
                return absent;
            }
            if (v instanceof String s) {
                return s;
            }
            problems.add(where + "." + key + ": must be a string");
            return absent;
        }

        boolean bool(String key) {
            Object v = map.get(key);
            if (v == null || v instanceof Boolean) {
                return Boolean.TRUE.equals(v);
            }
            problems.add(where + "." + key + ": must be true or false");
            return false;
        }

        List<String> strings(String key) {
            Object v = map.get(key);
            if (v == null) {
                return List.of();
            }
            if (v instanceof List<?> list && list.stream().allMatch(String.class::isInstance)) {
                return list.stream().map(String.class::cast).toList();
            }
            problems.add(where + "." + key + ": must be an array of strings");
            return List.of();
        }

        Map<String, String> stringMap(String key) {
            Object v = map.get(key);
            Map<String, String> out = new LinkedHashMap<>();
            if (v == null) {
                return out;
            }
            if (!(v instanceof Map<?, ?> m)) {
                problems.add(where + "." + key + ": must be an object of strings");
                return out;
            }
            m.forEach((k, value) -> {
                if (value instanceof String s) {
                    out.put((String) k, s);
                } else {
                    problems.add(where + "." + key + "." + k + ": must be a string (quote numbers and booleans)");
                }
            });
            return out;
        }

        SharingMode mode() {
            String text = string("mode", SharingMode.SHARED.configName());
            for (SharingMode mode : SharingMode.values()) {
                if (mode.configName().equals(text)) {
                    return mode;
                }
            }
            problems.add(where + ".mode: \"" + text + "\" is not a mode; use \"shared\" or \"perSession\"");
            return SharingMode.SHARED;
        }

        Duration duration(String key, Duration absent) {
            String text = string(key, null);
            if (text == null) {
                return absent;
            }
            try {
                Duration d = Durations.parse(text);
                if (d.isZero() || d.isNegative()) {
                    problems.add(where + "." + key + ": must be positive, got \"" + text + "\"");
                    return absent;
                }
                return d;
            } catch (IllegalArgumentException e) {
                problems.add(where + "." + key + ": " + e.getMessage());
                return absent;
            }
        }
    }
}
