package dev.mcpd.application.daemon;

import dev.mcpd.domain.model.Availability;
import dev.mcpd.domain.model.ClientInfo;
import dev.mcpd.domain.model.TransportKind;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A snapshot of the daemon for {@code daemon_status} and {@code mcpd daemon status}.
 *
 * @param version build version
 * @param pid daemon process id
 * @param scope the scope served
 * @param startedAt when the daemon started
 * @param uptime how long it has run
 * @param transports each configured transport with its endpoint (or null) and availability
 * @param engines each engine with its availability and tool count
 * @param clients connected clients, by id
 * @param stopReason why the daemon is stopping, or {@code null} while it runs
 * @param recentExits why earlier daemons of this scope exited, newest first (B-L6)
 */
public record DaemonStatus(
        String version,
        long pid,
        String scope,
        Instant startedAt,
        Duration uptime,
        List<TransportStatus> transports,
        List<EngineStatus> engines,
        List<ClientInfo> clients,
        String stopReason,
        List<String> recentExits) {

    /** A status without exit history. */
    public DaemonStatus(String version, long pid, String scope, Instant startedAt, Duration uptime,
            List<TransportStatus> transports, List<EngineStatus> engines, List<ClientInfo> clients, String stopReason) {
        this(version, pid, scope, startedAt, uptime, transports, engines, clients, stopReason, List.of());
    }

    /** One transport: kind, bound endpoint ({@code null} if not bound) and availability. */
    public record TransportStatus(TransportKind kind, String endpoint, Availability availability) {}

    /** One engine: name, availability, the number of tools, and a line about its backend (may be empty). */
    public record EngineStatus(String name, Availability availability, int tools, String detail) {

        /** An engine with nothing to say about its backend. */
        public EngineStatus(String name, Availability availability, int tools) {
            this(name, availability, tools, "");
        }
    }
}
