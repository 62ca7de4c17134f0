/**
 * Waiting in the application ring without {@code Thread.sleep} or {@code System.nanoTime} (STYLE rule 10):
 * {@link dev.mcpd.application.time.ConditionWait}, one lock and condition that waits until something holds, for a
 * real-time bound or until a deadline read from an injected {@link dev.mcpd.domain.time.Ticker}.
 */
package dev.mcpd.application.time;
