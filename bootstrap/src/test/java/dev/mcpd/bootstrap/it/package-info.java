/**
 * Integration and end-to-end tests against a real mcpd (real processes, sockets, Podman, hyperd and npm MCP clients),
 * run by failsafe in {@code verify}.
 */
package dev.mcpd.bootstrap.it;
