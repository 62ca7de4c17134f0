/**
 * A client of a running daemon's own tools ({@code DaemonToolClient}), used by the command line's {@code daemon stop},
 * {@code daemon status} and {@code containers} commands.
 */
package dev.mcpd.application.client;
