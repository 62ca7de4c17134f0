/**
 * What every transport's connections share: the {@link StreamConnection} base (accessors, an idempotent close),
 * {@link OpenConnections} (count, serve, close all), the platform-thread hand-off for blocking I/O
 * ({@link PlatformThreadIo}), bulk-only byte streams, and the proxy's side of a socket
 * ({@link ClientSocketConnection}).
 */
package dev.mcpd.adapter.primary.connection;
