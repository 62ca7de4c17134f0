package dev.mcpd.application.daemon;

import dev.mcpd.domain.model.TransportKind;
import dev.mcpd.domain.port.Connection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cap on connections open at once per transport (B-W3, review finding 16): past it a connection is closed at
 * once, with nothing sent, and the refusal is logged for the 1st, 2nd, 4th, 8th... refused connection, so that a
 * flood cannot flood the log.
 */
final class ConnectionAdmission {

    private static final Logger log = LoggerFactory.getLogger(ConnectionAdmission.class);

    private final int maxPerTransport;
    private final Map<TransportKind, AtomicInteger> open = new ConcurrentHashMap<>();
    private final AtomicLong refusedOverCap = new AtomicLong();

    /** @param maxPerTransport connections open at once on one transport, at least 1 */
    ConnectionAdmission(int maxPerTransport) {
        this.maxPerTransport = maxPerTransport;
    }

    /**
     * Counts the connection in, or refuses it: then it is closed here and logged.
     *
     * @return true if admitted; the caller must then {@link #release} it once it ends
     */
    boolean tryAdmit(Connection connection) {
        TransportKind kind = connection.endpoint().kind();
        AtomicInteger count = open.computeIfAbsent(kind, k -> new AtomicInteger());
        if (count.incrementAndGet() <= maxPerTransport) {
            return true;
        }
        count.decrementAndGet();
        long refused = refusedOverCap.incrementAndGet();
        if (Long.bitCount(refused) == 1) { // the 1st, 2nd, 4th, 8th...: a flood cannot flood the log
            log.warn("refused a {} connection from {}: {} connections are open on it, the cap "
                    + "(MCPD_DAEMON_MAX_CONNECTIONS); {} refused so far (review finding 16)", kind.scheme(),
                    connection.remoteAddress().orElse("a local peer"), maxPerTransport, refused);
        }
        connection.close();
        return false;
    }

    /** Counts out a connection {@link #tryAdmit} admitted. */
    void release(Connection connection) {
        open.get(connection.endpoint().kind()).decrementAndGet();
    }
}
