package dev.mcpd.domain.model;

/**
 * MCP tool annotations (spec 2025-06-18, "Tool annotations"): hints for the host, never trusted for security.
 * A {@code null} field is omitted from {@code tools/list}.
 *
 * @param readOnlyHint the tool does not modify its environment
 * @param destructiveHint the tool may perform destructive updates (meaningful only when not read-only)
 * @param idempotentHint calling again with the same arguments has no additional effect
 * @param openWorldHint the tool talks to an open world of external entities
 */
public record ToolAnnotations(Boolean readOnlyHint, Boolean destructiveHint, Boolean idempotentHint, Boolean openWorldHint) {

    /** A tool that only reads: safe to re-serve after a daemon loss (B-G3). */
    public static ToolAnnotations readOnly() {
        return new ToolAnnotations(true, false, true, false);
    }

    /** A tool that changes state but converges (start, stop): calling twice is harmless. */
    public static ToolAnnotations idempotentWrite() {
        return new ToolAnnotations(false, false, true, false);
    }

    /** A tool that destroys state (remove a container, drop a table). */
    public static ToolAnnotations destructive() {
        return new ToolAnnotations(false, true, false, false);
    }

    /** A tool that changes state and is neither idempotent nor destructive (create, run). */
    public static ToolAnnotations write() {
        return new ToolAnnotations(false, false, false, false);
    }

    /** Whether a call of this tool may safely be run a second time (read-only and idempotent). */
    public boolean safeToRetry() {
        return Boolean.TRUE.equals(readOnlyHint) && !Boolean.FALSE.equals(idempotentHint);
    }
}
