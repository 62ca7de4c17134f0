package dev.mcpd.application.daemon;

import static java.util.Objects.requireNonNull;

import dev.mcpd.application.mcp.McpServerSession;
import dev.mcpd.application.wire.QueuedLineWriter;
import dev.mcpd.domain.model.ClientId;
import dev.mcpd.domain.port.Connection;
import dev.mcpd.domain.time.Ticker;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connections a {@link ClientConnectionHandler} serves right now, reachable from outside their handler thread: by
 * client id (to disconnect a reaped client, B-L3), their sessions (to cancel every call, B-E1) and their writers (to
 * flush the answers on the shutdown path, review finding 2).
 */
final class LiveConnections {

    private static final Logger log = LoggerFactory.getLogger(LiveConnections.class);

    private final Ticker ticker;
    private final Map<ClientId, Connection> connections = new ConcurrentHashMap<>();
    private final Set<McpServerSession> sessions = ConcurrentHashMap.newKeySet();
    private final Set<QueuedLineWriter> writers = ConcurrentHashMap.newKeySet();
    /** Set when shutdown begins: from then on lines are offered, never waited for (review finding 2). */
    private volatile boolean stopping;

    LiveConnections(Ticker ticker) {
        this.ticker = requireNonNull(ticker, "ticker is null");
    }

    void add(ClientId id, Connection connection) {
        connections.put(id, connection);
    }

    void remove(ClientId id) {
        connections.remove(id);
    }

    void add(McpServerSession session) {
        sessions.add(session);
    }

    void remove(McpServerSession session) {
        sessions.remove(session);
    }

    void add(QueuedLineWriter writer) {
        writers.add(writer);
    }

    void remove(QueuedLineWriter writer) {
        writers.remove(writer);
    }

    /** @return true once {@link #answerAndCancelAll} has begun: lines are then offered, never waited for */
    boolean stopping() {
        return stopping;
    }

    /** See {@link ClientConnectionHandler#disconnect}. */
    boolean disconnect(ClientId id, String why) {
        Connection connection = connections.get(id);
        if (connection == null) {
            return false;
        }
        log.info("{}: disconnecting: {}", id, why);
        connection.close();
        return true;
    }

    /** See {@link ClientConnectionHandler#answerAndCancelAll}. */
    void answerAndCancelAll() {
        stopping = true;
        for (McpServerSession session : sessions) {
            session.close(true);
        }
    }

    /** See {@link ClientConnectionHandler#awaitFlushed}. */
    boolean awaitFlushed(Duration timeout) {
        long deadline = ticker.deadlineAfter(timeout);
        boolean all = true;
        for (QueuedLineWriter writer : writers) {
            all &= writer.awaitDrained(Duration.ofNanos(ticker.nanosUntil(deadline)));
        }
        return all;
    }
}
