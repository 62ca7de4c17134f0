/**
 * The gateway engine's protocol side (ADR 0016): how the user's own MCP servers' tools and prompts are named for the
 * host. Framework-free.
 */
package dev.mcpd.application.gateway;
