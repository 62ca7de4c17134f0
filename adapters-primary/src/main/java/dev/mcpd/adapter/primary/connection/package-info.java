/**
 * What every transport's connections share: the {@link dev.mcpd.adapter.primary.connection.StreamConnection} base
 * (accessors, idempotent close), the platform-thread hand-off for blocking I/O
 * ({@link dev.mcpd.adapter.primary.connection.PlatformThreadIo}), how an accepted connection is served
 * ({@link dev.mcpd.adapter.primary.connection.ConnectionThreads}), and the proxy's side of a socket.
 */
package dev.mcpd.adapter.primary.connection;
