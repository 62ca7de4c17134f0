/**
 * JSON-RPC 2.0 as mcpd speaks it, free of MCP and of any framework: typed request ids and messages, the one
 * classification of a parsed line, response builders and error codes, and the bookkeeping of calls in flight and of
 * requests awaiting an answer. Shared by the stdio proxy, the daemon's MCP session and later JSON-RPC peers.
 */
package dev.mcpd.application.jsonrpc;
