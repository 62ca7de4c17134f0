/**
 * The server side of MCP over JSON-RPC, semantics not bytes: one {@code McpServerSession} per connection (initialize,
 * ping, tools/list, tools/call, cancellation, progress), the JSON-RPC message shapes and the tool catalog (the B-M
 * behaviours of docs/behaviours.md).
 */
package dev.mcpd.application.mcp;
