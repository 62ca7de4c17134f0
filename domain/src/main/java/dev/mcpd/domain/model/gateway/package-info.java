/**
 * Value records of the gateway engine: how one of the user's own stdio MCP servers is configured (ADR 0016).
 */
package dev.mcpd.domain.model.gateway;
