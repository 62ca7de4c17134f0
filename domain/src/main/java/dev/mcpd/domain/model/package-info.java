/**
 * Immutable value records that every ring shares: the hellos, pids with their process start instant, endpoints, the
 * discovery record, tools and their results, transport kinds, availability. JDK types only.
 */
package dev.mcpd.domain.model;
