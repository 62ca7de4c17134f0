package dev.mcpd.application.proxy;

import dev.mcpd.application.wire.LineReader;
import dev.mcpd.domain.model.DaemonHello;
import dev.mcpd.domain.port.Connection;

/**
 * A connection to a daemon whose hello has been read.
 *
 * @param connection the open connection
 * @param reader line reader positioned after the daemon's hello
 * @param hello what the daemon said about itself
 */
public record DaemonLink(Connection connection, LineReader reader, DaemonHello hello) {}
