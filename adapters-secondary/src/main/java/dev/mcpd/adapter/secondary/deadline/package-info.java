/**
 * {@code DeadlineCall}: one blocking backend call on a virtual thread, bounded by a deadline, shared by the container
 * and hyperd adapters (B-B1, B-B3).
 */
package dev.mcpd.adapter.secondary.deadline;
