/**
 * The admin engine, always on: the {@code daemon_status} and {@code daemon_stop} tools (B-C3).
 */
package dev.mcpd.application.admin;
