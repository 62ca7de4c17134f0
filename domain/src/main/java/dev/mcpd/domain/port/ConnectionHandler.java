package dev.mcpd.domain.port;

/**
 * Serves one connection. A transport calls it on a thread of the connection's own (a virtual thread), so a
 * handler may block; when it returns or throws, the transport closes the connection at once (B-C1).
 */
@FunctionalInterface
public interface ConnectionHandler {

    /**
     * Serves {@code connection} until the peer goes away or the handler decides to end it.
     *
     * @param connection the accepted connection, open
     */
    void handle(Connection connection);
}
