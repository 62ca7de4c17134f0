package dev.mcpd.application.mcp;

import static java.util.Objects.requireNonNull;

import dev.mcpd.domain.model.Tool;
import dev.mcpd.domain.port.Engine;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every tool of every engine, by name (B-M5). Built once; read from many threads without locking.
 *
 * @throws IllegalStateException from the constructor when two engines declare the same tool name
 */
public final class ToolCatalog {

    /** A tool with the engine that serves it. */
    public record Entry(Tool tool, Engine engine) {}

    private final List<Engine> engines;
    private final Map<String, Entry> byName;
    private final List<Tool> tools;

    public ToolCatalog(List<Engine> engines) {
        this.engines = List.copyOf(requireNonNull(engines, "engines is null"));
        Map<String, Entry> map = new LinkedHashMap<>();
        for (Engine engine : this.engines) {
            for (Tool tool : engine.tools()) {
                Entry previous = map.putIfAbsent(tool.name(), new Entry(tool, engine));
                if (previous != null) {
                    throw new IllegalStateException("tool " + tool.name() + " is declared by both engine "
                            + previous.engine().name() + " and engine " + engine.name());
                }
            }
        }
        this.byName = Map.copyOf(map);
        this.tools = List.copyOf(new ArrayList<>(map.values()).stream().map(Entry::tool).toList());
    }

    /** The engines, in the order given. */
    public List<Engine> engines() {
        return engines;
    }

    /** All tools, engine by engine, each engine's tools in its own order. */
    public List<Tool> tools() {
        return tools;
    }

    /** The tool named {@code name} with its engine. */
    public Optional<Entry> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }
}
