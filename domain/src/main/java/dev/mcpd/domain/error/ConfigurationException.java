package dev.mcpd.domain.error;

import java.util.List;

/** Configuration is invalid; carries every problem found, so that one start-up reports them all (B-X2). */
public final class ConfigurationException extends McpdException {

    private final List<String> problems;

    public ConfigurationException(List<String> problems) {
        super(ErrorCode.CONFIGURATION, render(problems), null);
        this.problems = List.copyOf(problems);
    }

    /** Every problem, one sentence each, naming the key and what it accepts. */
    public List<String> problems() {
        return problems;
    }

    private static String render(List<String> problems) {
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a configuration error needs at least one problem");
        }
        return "invalid configuration (" + problems.size() + " problem" + (problems.size() == 1 ? "" : "s") + "):\n  - "
                + String.join("\n  - ", problems);
    }
}
