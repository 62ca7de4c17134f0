/**
 * The state directory on disk: the daemon's lock, its discovery record, the socket path and the exit history (B-S1,
 * B-S2, B-S6, B-L6).
 */
package dev.mcpd.adapter.secondary.state;
