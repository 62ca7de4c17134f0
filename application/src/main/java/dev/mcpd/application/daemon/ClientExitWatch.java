package dev.mcpd.application.daemon;

import static java.util.Objects.requireNonNull;

import dev.mcpd.domain.model.ClientDescription;
import dev.mcpd.domain.model.ClientHello;
import dev.mcpd.domain.model.ClientId;
import dev.mcpd.domain.model.PeerCredentials;
import dev.mcpd.domain.model.Pid;
import dev.mcpd.domain.port.ClientRegistry;
import dev.mcpd.domain.port.Connection;
import dev.mcpd.domain.port.LivenessProbe;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Attaches a client hello's pids to the client and watches them, so that the exit of the proxy or host process ends
 * the client even if no close is delivered (B-L2, B-L3; ADR 0011 gives the reason for each rule):
 *
 * <ul>
 *   <li>Without a kernel pid (TCP, review finding 10) the hello's pids may name processes in another pid namespace:
 *       they are stored for display only, never probed or watched.
 *   <li>With one, the kernel's pid is the proxy's, whatever the hello says.
 *   <li>A host pid that is not running is a phantom: the connection is refused with a JSON-RPC error (B-L3).
 *   <li>A host pid that is 1 or the daemon itself is stored as unknown (review finding 20): it would be provably alive
 *       for ever and hold off the backstop (B-L5).
 *   <li>A host pid that is not an ancestor of the kernel's proxy pid is logged and kept: the proxy pid is watched as
 *       well, so a wrong host can never keep a dead client alive.
 *   <li>An exit event that reaps a client is logged (review finding 19); the caller closes every watch when the
 *       connection ends (review finding 4).
 * </ul>
 */
final class ClientExitWatch {

    private static final Logger log = LoggerFactory.getLogger(ClientExitWatch.class);

    private final ClientRegistry registry;
    private final LivenessProbe probe;
    private final long daemonPid;

    /** @param daemonPid this daemon's pid, never trusted as a host (review finding 20) */
    ClientExitWatch(ClientRegistry registry, LivenessProbe probe, long daemonPid) {
        this.registry = requireNonNull(registry, "registry is null");
        this.probe = requireNonNull(probe, "probe is null");
        this.daemonPid = daemonPid;
    }

    /**
     * Identifies client {@code id} from its hello and starts the exit watches, adding them to {@code watches}.
     *
     * @return why the connection is refused, or null when the client was identified
     */
    String identify(ClientId id, PeerCredentials peer, ClientHello hello, Connection connection,
            List<LivenessProbe.ExitWatch> watches) {
        if (!peer.hasPid()) {
            registry.identify(id, null, null);
            registry.describe(id, new ClientDescription(hello.role(), hello.pid(), hello.hostPid()));
            log.info("{}: hello from proxy pid {} host pid {}{} as the peer reports them; no kernel pid, so neither is "
                    + "watched (review finding 10)", id, hello.pid(), hello.hostPid(), role(hello));
            return null;
        }
        registry.describe(id, new ClientDescription(hello.role(), null, null));
        if (peer.pid() != hello.pid()) {
            log.warn("{}: hello says pid {} but the kernel says {}; trusting the kernel (B-L2)", id, hello.pid(), peer.pid());
        }
        Pid proxyPid = probe.identify(peer.pid()).orElse(null);
        Pid hostPid = null;
        if (hello.hostPid() != null) {
            long host = hello.hostPid();
            String unknownBecause = host == 1 ? "it is pid 1, which never exits"
                    : host == daemonPid ? "it is the daemon itself"
                    : null;
            if (unknownBecause == null) {
                Optional<Pid> found = probe.identify(host);
                if (found.isEmpty()) {
                    return "the host process " + host + " named in the hello is not running, and a client whose host "
                            + "has exited is dropped (B-L3)";
                }
                List<Long> ancestors = probe.ancestors(peer.pid());
                if (!ancestors.isEmpty() && !ancestors.contains(host)) {
                    // Kept: it cannot keep a dead client alive, since the kernel's proxy pid is watched too (ADR 0011)
                    log.warn("{}: hello names host pid {}, which is not an ancestor of the proxy process {}; a host "
                            + "named by MCPD_HOST_PID is normally one (review finding 20)", id, host, peer.pid());
                }
                hostPid = found.get();
            }
            if (unknownBecause != null) {
                log.warn("{}: hello names host pid {}; stored as unknown because {} (review finding 20)", id, host,
                        unknownBecause);
            }
        }
        registry.identify(id, proxyPid, hostPid);
        // Event-driven reaping (B-L3): the exit of either process ends the client even if no close is delivered.
        if (proxyPid != null) {
            watches.add(watchExit(id, "proxy", proxyPid, connection));
        }
        if (hostPid != null) {
            watches.add(watchExit(id, "host", hostPid, connection));
        }
        log.info("{}: hello from proxy pid {} host pid {}{}", id, proxyPid, hostPid, role(hello));
        return null;
    }

    /** Closes the connection when the process exits, saying so (review finding 19). */
    private LivenessProbe.ExitWatch watchExit(ClientId id, String what, Pid pid, Connection connection) {
        return probe.onExit(pid, () -> {
            log.info("{}: {} pid {} exited; disconnecting (B-L3)", id, what, pid.value());
            connection.close();
        });
    }

    private static String role(ClientHello hello) {
        return hello.role() == null ? "" : " role " + hello.role();
    }
}
