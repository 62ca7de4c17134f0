package dev.mcpd.application.proxy;

import static java.util.Objects.requireNonNull;

import dev.mcpd.application.mcp.McpServerSession;
import dev.mcpd.application.wire.LineWriter;

/** Where a {@link StdioProxy} sends the host's lines now: to a daemon, or to a session it serves itself (B-G4). */
sealed interface SessionRoute {

    /**
     * Forwarded to a daemon.
     *
     * @param link the daemon connection, its hello read
     * @param writer the only writer of lines to the daemon once this route is current: the host's reader thread
     *     writes through it, and nothing interrupts that thread, so no line to the daemon is torn (B-W1)
     */
    record DaemonRoute(DaemonLink link, LineWriter writer) implements SessionRoute {
        public DaemonRoute {
            requireNonNull(link, "link is null");
            requireNonNull(writer, "writer is null");
        }
    }

    /** Served in-process (B-G4) by {@code session}, whose messages go to the host's one writer. */
    record InProcessRoute(McpServerSession session) implements SessionRoute {
        public InProcessRoute {
            requireNonNull(session, "session is null");
        }
    }
}
