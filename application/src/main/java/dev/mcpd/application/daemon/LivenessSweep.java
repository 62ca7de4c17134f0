package dev.mcpd.application.daemon;

import static java.util.Objects.requireNonNull;

import dev.mcpd.domain.model.ClientId;
import dev.mcpd.domain.model.ClientInfo;
import dev.mcpd.domain.model.Pid;
import dev.mcpd.domain.port.ClientRegistry;
import dev.mcpd.domain.port.LivenessProbe;
import java.util.ArrayList;
import java.util.List;

/**
 * The periodic safety net of B-L3: finds clients whose proxy or host process has died, for when neither the socket
 * close nor the process exit was observed (a close that is never delivered, a grandchild holding the socket open).
 * Detection only: the daemon acts on what {@link #deadClients()} returns.
 *
 * <p>Invariants: a client with unknown pids is never reported (it cannot be shown dead); a reused pid is dead
 * (the probe compares start instants, B-L2).
 */
public final class LivenessSweep {

    /** A client found dead, with the reason. */
    public record Dead(ClientId client, String reason) {}

    private final ClientRegistry registry;
    private final LivenessProbe probe;

    public LivenessSweep(ClientRegistry registry, LivenessProbe probe) {
        this.registry = requireNonNull(registry, "registry is null");
        this.probe = requireNonNull(probe, "probe is null");
    }

    /** The clients whose proxy or host process is provably gone, in id order. */
    public List<Dead> deadClients() {
        List<Dead> dead = new ArrayList<>();
        for (ClientInfo client : registry.snapshot()) {
            if (isDead(client.proxyPid())) {
                dead.add(new Dead(client.id(), "proxy process " + client.proxyPid().value() + " is gone"));
            } else if (isDead(client.hostPid())) {
                dead.add(new Dead(client.id(), "host process " + client.hostPid().value() + " is gone"));
            }
        }
        return dead;
    }

    private boolean isDead(Pid pid) {
        return pid != null && probe.check(pid) == LivenessProbe.Liveness.DEAD;
    }
}
