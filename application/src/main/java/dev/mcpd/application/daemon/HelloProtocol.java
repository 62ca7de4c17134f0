package dev.mcpd.application.daemon;

import dev.mcpd.application.mcp.Json;
import dev.mcpd.domain.model.ClientHello;
import dev.mcpd.domain.model.DaemonHello;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The hello lines that open every daemon connection (B-W2, B-W3, B-W4).
 *
 * <p>Invariants:
 * <ol>
 *   <li>B-W2 the daemon's hello is {@code {"mcpd":"<version>","protocol":1,"pid":N,"scope":"…"}}.
 *   <li>B-W3 a first line without the key {@code mcpd_client} is not a hello: it goes to the MCP session untouched.
 *   <li>B-W4 a line with {@code mcpd_client} that is not exactly a valid hello (version not 1, pid not a positive
 *       integer, env not an object of strings, role not a string, over {@link #MAX_HELLO_BYTES}) is malformed,
 *       with a reason.
 *   <li>ADR 0011 the optional {@code role} ({@code "cli"} for a one-shot {@code mcpd} command) is for display:
 *       {@code daemon_status} labels such a connection, and nothing else depends on it.
 * </ol>
 */
public final class HelloProtocol {

    /** The largest client hello accepted, in bytes (B-W4). */
    public static final int MAX_HELLO_BYTES = 4096;

    private HelloProtocol() {}

    /** What a first line turned out to be. */
    public sealed interface Parsed {
        /** A valid client hello. */
        record Hello(ClientHello hello) implements Parsed {}

        /** Not a hello: the line belongs to the MCP session (a legacy client, B-W3). */
        record NotHello() implements Parsed {}

        /** Meant as a hello but invalid (B-W4). */
        record Malformed(String reason) implements Parsed {}
    }

    public static Map<String, Object> daemonHello(DaemonHello hello) {
        return Json.object("mcpd", hello.version(), "protocol", hello.protocol(), "pid", hello.pid(), "scope", hello.scope());
    }

    /** Reads a daemon hello; {@code null} if {@code message} is not one. */
    public static DaemonHello readDaemonHello(Object message) {
        Map<String, Object> m = Json.asObject(message);
        if (m == null || !(m.get("mcpd") instanceof String version) || !(m.get("protocol") instanceof Number protocol)
                || !(m.get("pid") instanceof Number pid) || !(m.get("scope") instanceof String scope)) {
            return null;
        }
        return new DaemonHello(version, protocol.intValue(), pid.longValue(), scope);
    }

    public static Map<String, Object> clientHello(ClientHello hello) {
        return Json.object("mcpd_client", ClientHello.PROTOCOL, "pid", hello.pid(), "hostPid", hello.hostPid(),
                "env", new LinkedHashMap<>(hello.env()), "token", hello.token(), "role", hello.role());
    }

    /**
     * Classifies a client's first line.
     *
     * @param message the parsed line
     * @param lineBytes the line's length in bytes
     */
    public static Parsed parseClientHello(Object message, int lineBytes) {
        Map<String, Object> m = Json.asObject(message);
        if (m == null || !m.containsKey("mcpd_client")) {
            return new Parsed.NotHello();
        }
        if (lineBytes > MAX_HELLO_BYTES) {
            return new Parsed.Malformed("client hello of " + lineBytes + " bytes exceeds " + MAX_HELLO_BYTES);
        }
        if (!isInteger(m.get("mcpd_client"), 1)) {
            return new Parsed.Malformed("unsupported client hello version " + m.get("mcpd_client") + " (this daemon speaks 1)");
        }
        Long pid = positive(m.get("pid"));
        if (pid == null) {
            return new Parsed.Malformed("client hello pid must be a positive integer, was " + m.get("pid"));
        }
        Object rawHost = m.get("hostPid");
        Long hostPid = rawHost == null ? null : positive(rawHost);
        if (rawHost != null && hostPid == null) {
            return new Parsed.Malformed("client hello hostPid must be a positive integer or null, was " + rawHost);
        }
        Map<String, String> env = new LinkedHashMap<>();
        Object rawEnv = m.get("env");
        if (rawEnv != null) {
            Map<String, Object> envObject = Json.asObject(rawEnv);
            if (envObject == null) {
                return new Parsed.Malformed("client hello env must be an object of strings");
            }
            for (Map.Entry<String, Object> e : envObject.entrySet()) {
                if (!(e.getValue() instanceof String value)) {
                    return new Parsed.Malformed("client hello env." + e.getKey() + " must be a string");
                }
                env.put(e.getKey(), value);
            }
        }
        Object token = m.get("token");
        if (token != null && !(token instanceof String)) {
            return new Parsed.Malformed("client hello token must be a string");
        }
        Object role = m.get("role");
        if (role != null && !(role instanceof String)) {
            return new Parsed.Malformed("client hello role must be a string");
        }
        return new Parsed.Hello(new ClientHello(pid, hostPid, env, (String) token, (String) role));
    }

    private static boolean isInteger(Object value, long expected) {
        Long v = integer(value);
        return v != null && v == expected;
    }

    private static Long positive(Object value) {
        Long v = integer(value);
        return v != null && v > 0 ? v : null;
    }

    private static Long integer(Object value) {
        if (value instanceof Integer || value instanceof Long) {
            return ((Number) value).longValue();
        }
        if (value instanceof BigInteger b && b.bitLength() < 63) {
            return b.longValue();
        }
        return null;
    }
}
