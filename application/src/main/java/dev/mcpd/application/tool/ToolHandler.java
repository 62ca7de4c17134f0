package dev.mcpd.application.tool;

import static java.util.Objects.requireNonNull;

import dev.mcpd.domain.model.Tool;
import dev.mcpd.domain.model.ToolResult;
import dev.mcpd.domain.port.CallContext;

/**
 * One tool and the code that answers it: the pair the MCP SDKs call a tool specification (the Java SDK's
 * {@code SyncToolSpecification(tool, callHandler)}, the TypeScript SDK's {@code registerTool(name, config, cb)}).
 * The entries of a {@link ToolTable}.
 *
 * @param tool the tool as {@code tools/list} shows it (B-M5)
 * @param handler what answers {@code tools/call} for it
 */
public record ToolHandler(Tool tool, Handler handler) {

    public ToolHandler {
        requireNonNull(tool, "tool is null");
        requireNonNull(handler, "handler is null");
    }

    /** Answers one call of one tool. */
    @FunctionalInterface
    public interface Handler {
        /**
         * @param arguments the call's arguments; their names are already checked against the tool's input schema
         * @param context the call's client, deadline, cancellation and progress
         * @return the result; bad input is an {@code isError} result, never an exception (B-M6)
         * @throws InvalidArgumentException when an argument has a value the tool cannot use: the table answers it
         *         with an {@code isError} result carrying the message
         * @throws InterruptedException when the call was cancelled (B-M7)
         */
        ToolResult call(ToolArguments arguments, CallContext context) throws InvalidArgumentException, InterruptedException;
    }
}
