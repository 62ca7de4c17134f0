/**
 * Value records of the {@code ContainerRuntime} port: run specs, filters, summaries, details, log queries and lines,
 * and the results of run, start and stop.
 */
package dev.mcpd.domain.model.container;
