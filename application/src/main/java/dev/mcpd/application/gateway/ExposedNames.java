package dev.mcpd.application.gateway;


import dev.mcpd.domain.text.Sha256;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The names under which a server's tools and prompts are exposed to hosts (ADR 0016, decision 4): {@code server__name},
 * matching {@code ^[A-Za-z0-9_-]{1,53}$} — hosts allow 64 characters of {@code [A-Za-z0-9_-]} and Claude Code spends 11
 * on its {@code mcp__mcpd__} prefix. Characters outside the set become {@code _}; a name that is too long, or that
 * collides with an earlier one after that, is cut and given {@code _} plus 6 hex digits of the SHA-256 of
 * {@code server/name}, so the same input always gives the same exposed name, across restarts and daemons. Every name
 * that is not exposed as {@code server__name} verbatim is reported, so status can say why.
 */
public final class ExposedNames {

    /** The longest exposed name. */
    public static final int MAX_LENGTH = 53;

    /** What every exposed name matches. */
    public static final Pattern VALID = Pattern.compile("[A-Za-z0-9_-]{1," + MAX_LENGTH + "}");

    private static final String SEPARATOR = "__";
    private static final int HASH_DIGITS = 6;

    private final Map<String, Original> byExposed = new LinkedHashMap<>();
    private final List<String> adjustments = new ArrayList<>();

    /** A server's tool or prompt name, as the server named it. */
    public record Original(String server, String name) {}

    /**
     * Assigns the exposed name of {@code server}'s {@code name}; the same pair always gets the same answer.
     *
     * @return the exposed name, matching {@link #VALID}
     */
    public synchronized String expose(String server, String name) {
        Original original = new Original(server, name);
        for (Map.Entry<String, Original> entry : byExposed.entrySet()) {
            if (entry.getValue().equals(original)) {
                return entry.getKey();
            }
        }
        String verbatim = server + SEPARATOR + name;
        String exposed = sanitize(verbatim);
        if (exposed.length() > MAX_LENGTH || byExposed.containsKey(exposed)) {
            exposed = exposed.substring(0, Math.min(exposed.length(), MAX_LENGTH - HASH_DIGITS - 1)) + "_"
                    + hash(server + "/" + name);
        }
        if (!exposed.equals(verbatim)) {
            adjustments.add("\"" + verbatim + "\" is exposed as \"" + exposed + "\"");
        }
        byExposed.put(exposed, original);
        return exposed;
    }

    /** @return the server and name behind {@code exposed}, or null when no such name was exposed */
    public synchronized Original original(String exposed) {
        return byExposed.get(exposed);
    }

    /** @return one sentence per name not exposed verbatim as {@code server__name}, in assignment order */
    public synchronized List<String> adjustments() {
        return List.copyOf(adjustments);
    }

    private static String sanitize(String text) {
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().forEach(c -> out.append(
                (c < 128 && (Character.isLetterOrDigit(c) || c == '_' || c == '-')) ? (char) c : '_'));
        return out.toString();
    }

    private static String hash(String text) {
        return Sha256.hex(text).substring(0, HASH_DIGITS);
    }
}
