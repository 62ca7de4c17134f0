package dev.mcpd.adapter.primary.connection;

import dev.mcpd.domain.port.Connection;
import dev.mcpd.domain.port.ConnectionHandler;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How every transport serves an accepted connection (the {@code Transport} invariants 1 and 2): on a virtual thread
 * of its own (B-M8), and closed the moment its handler returns or fails (B-C1).
 */
public final class ConnectionThreads {

    private static final Logger log = LoggerFactory.getLogger(ConnectionThreads.class);

    private static final Duration FAILURE_PAUSE = Duration.ofMillis(50);

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

    /**
     * Backs an accept loop off for 50 ms after a failure that may persist (e.g. out of file descriptors), so that it
     * does not spin; an interrupt ends the pause early and stays set.
     */
    public static void pauseAfterFailure() {
        try {
            Thread.sleep(FAILURE_PAUSE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
