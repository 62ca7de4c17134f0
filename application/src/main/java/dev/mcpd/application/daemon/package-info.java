/**
 * The daemon: its lifecycle (the lock, the discovery record, one ordered shutdown), one handler per client connection
 * with the hellos, the client registry, the liveness sweep and the expiration policies (B-S1, B-E1, B-L1, B-L3,
 * B-L4, B-L5).
 */
package dev.mcpd.application.daemon;
