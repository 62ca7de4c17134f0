/**
 * The gateway's configuration file, {@code servers.json}: Claude Desktop's {@code mcpServers} block unchanged, plus
 * mcpd's own keys, read and checked as a whole (B-X2; ADR 0016).
 */
package dev.mcpd.bootstrap.gateway;
