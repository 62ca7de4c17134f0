package dev.mcpd.adapter.primary.socket;

import dev.mcpd.domain.port.Connection;
import dev.mcpd.domain.port.ConnectionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How every transport serves an accepted connection (the {@code Transport} invariants 1 and 2): on a virtual thread
 * of its own (B-M8), and closed the moment its handler returns or fails (B-C1).
 */
public final class ConnectionThreads {

    private static final Logger log = LoggerFactory.getLogger(ConnectionThreads.class);

    private ConnectionThreads() {}

    /**
     * Starts {@code handler} on {@code connection} in a virtual thread named {@code name}; a handler that throws is
     * logged. {@code afterClose} runs last, after the connection is closed.
     */
    public static void serve(String name, ConnectionHandler handler, Connection connection, Runnable afterClose) {
        Thread.ofVirtual().name(name).start(() -> {
            try {
                handler.handle(connection);
            } catch (RuntimeException e) {
                log.error("connection handler failed", e);
            } finally {
                connection.close();
                afterClose.run();
            }
        });
    }
}
