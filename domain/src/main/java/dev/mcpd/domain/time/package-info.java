/**
 * Monotonic time for the application ring: {@code Ticker}, injected ({@code Ticker.system()} in production, a manual
 * ticker in tests), so that no application class reads the clock or sleeps itself.
 */
package dev.mcpd.domain.time;
