/**
 * The stdio proxy ({@code mcpd serve --mcp}): finding or cold-starting the daemon, forwarding lines, answering the
 * calls in flight when the daemon goes, serving in-process and moving back, and the host watchdog (B-S3, B-G1, B-G3,
 * B-G4, B-G5).
 */
package dev.mcpd.application.proxy;
