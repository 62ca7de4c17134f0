/**
 * The gateway's process side (ADR 0016): the keeper that ends every child's process group when the daemon is gone,
 * however it died.
 */
package dev.mcpd.adapter.secondary.gateway;
