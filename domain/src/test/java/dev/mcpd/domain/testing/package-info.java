/**
 * Test helpers shared through the domain's test-jar: manual clocks and tickers that tests advance instead of sleeping,
 * a simple call context, and the multiplier applied to behavioural time bounds on a busy machine.
 */
package dev.mcpd.domain.testing;
