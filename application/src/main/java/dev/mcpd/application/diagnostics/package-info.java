/**
 * The diagnostics engine ({@code diag_echo}, {@code diag_sleep}, {@code diag_write}): the cost of a call through mcpd,
 * and a slow call to exercise progress, cancellation and shutdown.
 */
package dev.mcpd.application.diagnostics;
