/**
 * The host's stdin and stdout as the proxy sees them; stdout carries MCP messages only (B-G7).
 */
package dev.mcpd.adapter.primary.stdio;
