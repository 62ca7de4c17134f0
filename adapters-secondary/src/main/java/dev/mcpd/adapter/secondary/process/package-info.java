/**
 * Processes: liveness by pid and start instant (B-L2, B-L3), the detached launch of a daemon (B-S3) and the reaping of
 * a dead daemon's leftover processes (B-E3).
 */
package dev.mcpd.adapter.secondary.process;
