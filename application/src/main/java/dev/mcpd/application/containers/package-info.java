/**
 * The containers engine: its MCP tools (list, inspect, run, start, stop, restart, remove, logs, images) over the
 * {@code ContainerRuntime} port, with their schemas and text renderings (B-B1, B-B2, B-M6).
 */
package dev.mcpd.application.containers;
