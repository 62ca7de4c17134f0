package dev.mcpd.application.mcp;

import static java.util.Objects.requireNonNull;

import dev.mcpd.domain.model.ToolResult;
import dev.mcpd.domain.port.JsonCodec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Renders a {@link ToolResult} as the {@code tools/call} result (B-M6): the tool's text blocks and, for a structured
 * result, its {@code structuredContent} also serialised as a JSON text block, for clients that read text only
 * (spec 2025-06-18, "Structured Content").
 */
final class ToolResultRenderer {

    private final JsonCodec codec;

    /** @param codec serialises structured results into their text block */
    ToolResultRenderer(JsonCodec codec) {
        this.codec = requireNonNull(codec, "codec is null");
    }

    /** @return {@code {content, structuredContent?, isError}}, members in that order */
    Map<String, Object> render(ToolResult result) {
        List<Object> content = new ArrayList<>(result.texts().size() + 1);
        for (String text : result.texts()) {
            content.add(Json.object("type", "text", "text", text));
        }
        if (result.structuredContent() != null) {
            content.add(Json.object("type", "text", "text",
                    new String(codec.write(result.structuredContent()), StandardCharsets.UTF_8)));
        }
        return Json.object("content", content, "structuredContent", result.structuredContent(), "isError", result.isError());
    }

    /** The result for a tool that threw: an {@code isError} result a person can act on, not a crash (B-M6). */
    Map<String, Object> failure(String tool, RuntimeException e) {
        return render(ToolResult.error("mcpd: tool " + tool + " failed unexpectedly (" + e.getClass().getSimpleName()
                + ": " + e.getMessage() + "); the daemon log has the details"));
    }
}
