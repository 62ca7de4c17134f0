package dev.mcpd.application.tool;

import static java.util.Objects.requireNonNull;

import dev.mcpd.domain.model.Tool;
import dev.mcpd.domain.model.container.LabelSelector;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Typed reading of one tool call's {@code arguments} object. A JSON {@code null} counts as absent. Every problem is
 * an {@link InvalidArgumentException} whose message names the tool, the argument and what it accepts.
 */
public final class ToolArguments {

    private static final Pattern UNIX_SECONDS = Pattern.compile("\\d{1,12}(\\.\\d{1,9})?");
    private static final Pattern RELATIVE = Pattern.compile("(\\d{1,9}(ms|s|m|h|d))+");
    private static final Pattern RELATIVE_PART = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");

    private final String tool;
    private final Map<String, Object> raw;

    /** The argument names {@code tool}'s input schema declares ({@code properties}): what it accepts. */
    static Set<String> acceptedBy(Tool tool) {
        @SuppressWarnings("unchecked")
        Map<String, Object> properties = (Map<String, Object>) tool.inputSchema().get("properties");
        return properties == null ? Set.of() : Set.copyOf(properties.keySet());
    }

    /**
     * @throws InvalidArgumentException if {@code raw} has a key outside {@code accepted} (the schemas say
     *         {@code additionalProperties: false})
     */
    ToolArguments(String tool, Map<String, Object> raw, Set<String> accepted) throws InvalidArgumentException {
        this.tool = requireNonNull(tool, "tool is null");
        this.raw = requireNonNull(raw, "raw is null");
        for (String key : raw.keySet()) {
            if (!accepted.contains(key)) {
                throw new InvalidArgumentException("unknown argument '" + key + "' for " + tool + "; it accepts "
                        + (accepted.isEmpty() ? "no arguments" : String.join(", ", accepted.stream().sorted().toList())));
            }
        }
    }

    /** The argument's value as the JSON codec decoded it ({@code String}, {@code Number}, ...), or {@code null}. */
    public Object raw(String key) {
        return raw.get(key);
    }

    public String requiredString(String key) throws InvalidArgumentException {
        String value = optionalString(key);
        if (value == null) {
            throw problem(key, "is required");
        }
        return value;
    }

    /** A non-blank string, or {@code null} when absent. */
    public String optionalString(String key) throws InvalidArgumentException {
        Object value = raw.get(key);
        if (value == null) {
            return null;
        }
        if (!(value instanceof String text)) {
            throw problem(key, "must be a string, not " + describe(value));
        }
        if (text.isBlank()) {
            throw problem(key, "must not be empty");
        }
        return text;
    }

    /** A container name or id: a non-blank string without whitespace or '/'. */
    public String container(String key) throws InvalidArgumentException {
        String value = requiredString(key);
        if (value.length() > 256 || value.chars().anyMatch(c -> Character.isWhitespace(c) || c == '/' || c < 0x20)) {
            throw problem(key, "must be a container name or id (no spaces or '/'), not '" + value + "'");
        }
        return value;
    }

    public boolean flag(String key, boolean defaultValue) throws InvalidArgumentException {
        Object value = raw.get(key);
        if (value == null) {
            return defaultValue;
        }
        if (!(value instanceof Boolean bool)) {
            throw problem(key, "must be true or false, not " + describe(value));
        }
        return bool;
    }

    public long integer(String key, long defaultValue, long minimum, long maximum) throws InvalidArgumentException {
        Object value = raw.get(key);
        if (value == null) {
            return defaultValue;
        }
        Long number = integral(value);
        if (number == null) {
            throw problem(key, "must be a whole number, not " + describe(value));
        }
        if (number < minimum || number > maximum) {
            throw problem(key, "must be between " + minimum + " and " + maximum + ", not " + number);
        }
        return number;
    }

    /** A list of strings; empty when absent. */
    public List<String> strings(String key) throws InvalidArgumentException {
        Object value = raw.get(key);
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> list)) {
            throw problem(key, "must be an array of strings, not " + describe(value));
        }
        List<String> strings = new ArrayList<>(list.size());
        for (Object item : list) {
            if (!(item instanceof String text)) {
                throw problem(key, "must be an array of strings; it holds " + describe(item));
            }
            strings.add(text);
        }
        return strings;
    }

    /** An object whose values are strings, in the caller's order; empty when absent. */
    public Map<String, String> stringMap(String key) throws InvalidArgumentException {
        Object value = raw.get(key);
        if (value == null) {
            return Map.of();
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw problem(key, "must be an object of string values, not " + describe(value));
        }
        Map<String, String> strings = new LinkedHashMap<>();
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            if (!(entry.getValue() instanceof String text)) {
                throw problem(key, "must be an object of string values; '" + entry.getKey() + "' is "
                        + describe(entry.getValue()));
            }
            if (String.valueOf(entry.getKey()).isEmpty()) {
                throw problem(key, "must not have an empty key");
            }
            strings.put(String.valueOf(entry.getKey()), text);
        }
        return strings;
    }

    /** Label selectors from an object: a string value must match exactly, {@code null} only requires the label. */
    public List<LabelSelector> labelSelectors(String key) throws InvalidArgumentException {
        Object value = raw.get(key);
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw problem(key, "must be an object such as {\"app\": \"web\"}, not " + describe(value));
        }
        List<LabelSelector> selectors = new ArrayList<>();
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            String label = String.valueOf(entry.getKey());
            if (label.isBlank()) {
                throw problem(key, "must not have an empty label key");
            }
            switch (entry.getValue()) {
                case null -> selectors.add(LabelSelector.present(label));
                case String text -> selectors.add(LabelSelector.equalTo(label, text));
                default -> throw problem(key, "values must be strings (exact match) or null (label present); '"
                        + label + "' is " + describe(entry.getValue()));
            }
        }
        return selectors;
    }

    /**
     * An instant from an RFC 3339 time ({@code 2026-01-01T10:00:00Z}), a date ({@code 2026-01-01}, midnight UTC),
     * unix seconds ({@code 1767261600}) or a duration back from {@code now} ({@code 30s}, {@code 10m}, {@code 2h},
     * {@code 1d}, {@code 1h30m}), as {@code docker logs --since} takes them; {@code null} when absent.
     */
    public Instant since(String key, Instant now) throws InvalidArgumentException {
        String text = optionalString(key);
        if (text == null) {
            return null;
        }
        String trimmed = text.trim();
        try {
            if (UNIX_SECONDS.matcher(trimmed).matches()) {
                return Instant.ofEpochMilli(new BigDecimal(trimmed).movePointRight(3).longValueExact());
            }
            Matcher relative = RELATIVE.matcher(trimmed);
            if (relative.matches()) {
                Duration back = Duration.ZERO;
                Matcher part = RELATIVE_PART.matcher(trimmed);
                while (part.find()) {
                    long amount = Long.parseLong(part.group(1));
                    back = back.plus(switch (part.group(2)) {
                        case "ms" -> Duration.ofMillis(amount);
                        case "s" -> Duration.ofSeconds(amount);
                        case "m" -> Duration.ofMinutes(amount);
                        case "h" -> Duration.ofHours(amount);
                        default -> Duration.ofDays(amount);
                    });
                }
                return now.minus(back);
            }
            if (trimmed.length() == 10) {
                return LocalDate.parse(trimmed).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            return OffsetDateTime.parse(trimmed, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException | ArithmeticException e) {
            throw problem(key, "must be an RFC 3339 time (2026-01-01T10:00:00Z), a date (2026-01-01), unix seconds, "
                    + "or a duration back from now (30s, 10m, 2h, 1d); not '" + text + "'");
        }
    }

    public InvalidArgumentException problem(String key, String what) {
        return new InvalidArgumentException(tool + ": argument '" + key + "' " + what);
    }

    private static Long integral(Object value) {
        return switch (value) {
            case Integer i -> (long) i;
            case Long l -> l;
            case Short s -> (long) s;
            case Byte b -> (long) b;
            case BigInteger big -> big.bitLength() < 64 ? big.longValue() : null;
            case BigDecimal decimal -> {
                try {
                    yield decimal.stripTrailingZeros().scale() <= 0 ? decimal.longValueExact() : null;
                } catch (ArithmeticException tooBig) {
                    yield null;
                }
            }
            case Double d -> d == Math.rint(d) && Math.abs(d) < 1e15 ? (long) (double) d : null;
            case Float f -> f == Math.rint(f) && Math.abs(f) < 1e7 ? (long) (float) f : null;
            default -> null;
        };
    }

    private static String describe(Object value) {
        return switch (value) {
            case null -> "null";
            case String text -> "the string \"" + (text.length() > 40 ? text.substring(0, 40) + "…" : text) + "\"";
            case Boolean bool -> bool.toString();
            case Number number -> "the number " + number;
            case List<?> list -> "an array";
            case Map<?, ?> map -> "an object";
            default -> "a " + value.getClass().getSimpleName();
        };
    }
}
