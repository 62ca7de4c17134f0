package dev.mcpd.application.mcp;

import static java.util.Objects.requireNonNull;

import dev.mcpd.domain.model.Tool;
import dev.mcpd.domain.model.ToolAnnotations;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The pages of {@code tools/list} (B-M5; spec 2025-06-18, "Pagination"): {@code pageSize} tools per page in catalog
 * order, and an opaque {@code nextCursor} (base64url of {@code o:<offset>}) while tools remain.
 */
final class ToolListPager {

    private final ToolCatalog catalog;
    private final int pageSize;

    ToolListPager(ToolCatalog catalog, int pageSize) {
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.pageSize = pageSize;
    }

    /**
     * The page a cursor names.
     *
     * @param cursor the request's {@code cursor}, or {@code null} for the first page
     * @return the {@code tools/list} result; empty when the cursor is not one this pager gave (then {@code -32602})
     */
    Optional<Map<String, Object>> page(Object cursor) {
        int offset = 0;
        if (cursor != null) {
            offset = decode(cursor);
            if (offset < 0) {
                return Optional.empty();
            }
        }
        List<Tool> tools = catalog.tools();
        int end = Math.min(tools.size(), offset + pageSize);
        List<Object> page = new ArrayList<>(end - offset);
        for (Tool tool : tools.subList(offset, end)) {
            page.add(describe(tool));
        }
        Map<String, Object> result = Json.object("tools", page);
        if (end < tools.size()) {
            result.put("nextCursor", Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(("o:" + end).getBytes(StandardCharsets.UTF_8)));
        }
        return Optional.of(result);
    }

    private int decode(Object cursor) {
        if (!(cursor instanceof String s)) {
            return -1;
        }
        try {
            String decoded = new String(Base64.getUrlDecoder().decode(s), StandardCharsets.UTF_8);
            int offset = decoded.startsWith("o:") ? Integer.parseInt(decoded.substring(2)) : -1;
            return offset >= 0 && offset < catalog.tools().size() ? offset : -1;
        } catch (IllegalArgumentException e) {
            return -1;
        }
    }

    private static Map<String, Object> describe(Tool tool) {
        ToolAnnotations a = tool.annotations();
        return Json.object(
                "name", tool.name(),
                "title", tool.title(),
                "description", tool.description(),
                "inputSchema", tool.inputSchema(),
                "outputSchema", tool.outputSchema(),
                "annotations", Json.object("title", tool.title(), "readOnlyHint", a.readOnlyHint(),
                        "destructiveHint", a.destructiveHint(), "idempotentHint", a.idempotentHint(),
                        "openWorldHint", a.openWorldHint()));
    }
}
