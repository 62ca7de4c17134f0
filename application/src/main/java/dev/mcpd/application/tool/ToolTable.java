package dev.mcpd.application.tool;

import static java.util.Objects.requireNonNull;

import dev.mcpd.domain.error.BackendException;
import dev.mcpd.domain.model.Tool;
import dev.mcpd.domain.model.ToolResult;
import dev.mcpd.domain.port.CallContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An engine's tools, each with its handler, in the order {@code tools/list} shows them: what a {@code switch} on the
 * tool name did, and the argument names each tool accepts (B-M5, B-M6).
 *
 * <p>Invariants of {@link #call}:
 * <ol>
 *   <li>A tool the table does not have is an {@link IllegalArgumentException} (the {@code Engine} contract).
 *   <li>An argument the tool's input schema does not declare ({@code additionalProperties: false}), and an
 *       {@link InvalidArgumentException} from the handler, are {@code isError} results naming the tool, the
 *       argument and what it accepts (B-M6).
 *   <li>A failure of the engine's backend (its {@link BackendException} subtype) is an {@code isError} result with
 *       the engine's description of it, a message a person can act on (B-M6); it is logged at debug level.
 * </ol>
 */
public final class ToolTable {

    private static final Logger log = LoggerFactory.getLogger(ToolTable.class);

    private record Entry(ToolHandler handler, Set<String> accepted) {}

    private final String engine;
    private final List<Tool> tools;
    private final Map<String, Entry> entries;
    private final Class<? extends BackendException> failures;
    private final BiFunction<String, BackendException, String> describe;

    private ToolTable(String engine, List<ToolHandler> handlers, Class<? extends BackendException> failures,
            BiFunction<String, BackendException, String> describe) {
        this.engine = requireNonNull(engine, "engine is null");
        Map<String, Entry> byName = new LinkedHashMap<>();
        for (ToolHandler handler : handlers) {
            String name = handler.tool().name();
            if (byName.put(name, new Entry(handler, ToolArguments.acceptedBy(handler.tool()))) != null) {
                throw new IllegalArgumentException("tool " + name + " is twice in engine " + engine);
            }
        }
        this.entries = byName;
        this.tools = handlers.stream().map(ToolHandler::tool).toList();
        this.failures = failures;
        this.describe = describe;
    }

    /** A table for an engine without a backend: any exception a handler throws but the argument one propagates. */
    public static ToolTable of(String engine, List<ToolHandler> handlers) {
        return new ToolTable(engine, handlers, null, null);
    }

    /**
     * A table for an engine over a backend whose failures are {@code failures}.
     *
     * @param describe turns a tool name and a failure into the text of the {@code isError} result (B-M6)
     */
    public static <E extends BackendException> ToolTable of(String engine, List<ToolHandler> handlers,
            Class<E> failures, BiFunction<String, ? super E, String> describe) {
        requireNonNull(failures, "failures is null");
        requireNonNull(describe, "describe is null");
        return new ToolTable(engine, handlers, failures, (tool, failure) -> describe.apply(tool, failures.cast(failure)));
    }

    /** The tools, in the order given; the same list on every call. */
    public List<Tool> tools() {
        return tools;
    }

    /**
     * Answers one {@code tools/call} (see the invariants above).
     *
     * @throws IllegalArgumentException if this table has no tool named {@code tool}
     * @throws InterruptedException when the call was cancelled (B-M7)
     */
    public ToolResult call(String tool, Map<String, Object> arguments, CallContext context) throws InterruptedException {
        Entry entry = entries.get(tool);
        if (entry == null) {
            throw new IllegalArgumentException("no tool " + tool + " in engine " + engine);
        }
        requireNonNull(arguments, "arguments is null");
        requireNonNull(context, "context is null");
        try {
            return entry.handler().handler().call(new ToolArguments(tool, arguments, entry.accepted()), context);
        } catch (InvalidArgumentException e) {
            return ToolResult.error(e.getMessage());
        } catch (BackendException e) {
            if (failures == null || !failures.isInstance(e)) {
                throw e;
            }
            log.debug("{} failed: {}", tool, e.getMessage(), e);
            return ToolResult.error(describe.apply(tool, e));
        }
    }
}
