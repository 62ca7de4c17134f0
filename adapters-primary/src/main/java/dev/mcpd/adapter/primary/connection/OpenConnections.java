package dev.mcpd.adapter.primary.connection;

import static java.util.Objects.requireNonNull;

import dev.mcpd.domain.port.ConnectionHandler;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * The connections a transport accepted that have not closed yet: what {@code Transport.openConnections()} counts
 * and what a forceful stop closes (B-C2).
 *
 * <p>Invariant: a connection accepted while a stop runs is either closed by {@link #closeAll()} or closes itself: it
 * is counted first, then the stop flag is read ({@link #serve}), so a stop that has already run its
 * {@link #closeAll()} is seen.
 */
public final class OpenConnections {

    private final Set<StreamConnection> open = ConcurrentHashMap.newKeySet();
    private final String threadName;

    /** @param threadName the name of each connection's handler thread, e.g. {@code unix-connection} */
    public OpenConnections(String threadName) {
        this.threadName = requireNonNull(threadName, "threadName is null");
    }

    /** For each connection's {@code onClose}: it is no longer counted. */
    public void remove(StreamConnection connection) {
        open.remove(connection);
    }

    /**
     * Counts {@code connection}, then serves it on a virtual thread of its own ({@link ConnectionThreads#serve});
     * when {@code stopping} says so (read after it is counted) it is closed instead.
     *
     * @param afterClose runs after the connection is closed, when it was served
     */
    public void serve(StreamConnection connection, ConnectionHandler handler, BooleanSupplier stopping,
            Runnable afterClose) {
        open.add(connection);
        if (stopping.getAsBoolean()) {
            connection.close(); // accepted while a stop was closing the others
            return;
        }
        ConnectionThreads.serve(threadName, handler, connection, afterClose);
    }

    /** How many connections are open now. */
    public int count() {
        return open.size();
    }

    /** Closes every open connection at once (B-C1). */
    public void closeAll() {
        open.forEach(StreamConnection::close);
    }
}
