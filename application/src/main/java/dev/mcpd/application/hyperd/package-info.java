/**
 * The hyperd engine: SQL tools (query, execute, list and describe tables, attach and detach databases, load a CSV
 * file, status) over the {@code HyperdClient} port, with their schemas and text renderings (B-B3).
 */
package dev.mcpd.application.hyperd;
