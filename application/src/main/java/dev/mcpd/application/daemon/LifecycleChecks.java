package dev.mcpd.application.daemon;

import dev.mcpd.domain.policy.ExpirationPolicy;
import dev.mcpd.domain.policy.ExpirationResult;
import dev.mcpd.domain.port.Transport;
import java.util.Collection;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's periodic checks on one named thread, {@code mcpd-lifecycle} (B-L6, B-L7): the expiration policies
 * (idle timer B-L4, inactivity backstop B-L5, endpoint lost) every {@code checkInterval}, and the liveness sweep
 * (B-L3) every {@code clientSweep}. Each run is guarded: a failure is logged and the check runs again next period
 * (STYLE rule 11). One place acts on an expiration: the stop request it is given.
 */
final class LifecycleChecks {

    private static final Logger log = LoggerFactory.getLogger(LifecycleChecks.class);

    private LifecycleChecks() {}

    /**
     * Starts both checks; returns at once.
     *
     * @param listening the transports that listen, whose endpoints the "endpoint lost" policy watches
     * @param requestStop called with the reason when a policy expires the daemon
     * @return the scheduler; {@code shutdownNow()} it to stop the checks
     */
    static ScheduledExecutorService start(DaemonSettings settings, DaemonPorts ports, ActivityTracker activity,
            Collection<Transport> listening, ClientConnectionHandler handler, Consumer<String> requestStop) {
        ExpirationPolicy policy = ExpirationPolicy.anyOf(
                ExpirationPolicies.idleFor(activity, ports.clock(), settings.idleTimeout()),
                ExpirationPolicies.inactivityBackstop(ports.registry(), ports.probe(), ports.clock(), settings.maxIdle()),
                ExpirationPolicies.endpointLost(ports.state(), listening));
        LivenessSweep sweep = new LivenessSweep(ports.registry(), ports.probe());
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("mcpd-lifecycle").daemon().factory());
        scheduler.scheduleWithFixedDelay(guarded("expiration check", () -> {
            ExpirationResult result = policy.check();
            if (result.expires()) {
                requestStop.accept("expired: " + result.reason());
            }
        }), settings.checkInterval().toMillis(), settings.checkInterval().toMillis(), TimeUnit.MILLISECONDS);
        scheduler.scheduleWithFixedDelay(guarded("liveness sweep", () -> {
            for (LivenessSweep.Dead dead : sweep.deadClients()) {
                handler.disconnect(dead.client(), "liveness sweep: " + dead.reason() + " (B-L3)");
            }
        }), settings.clientSweep().toMillis(), settings.clientSweep().toMillis(), TimeUnit.MILLISECONDS);
        return scheduler;
    }

    /** {@code task} wrapped so that a failure is logged and never cancels its schedule (B-L7). */
    static Runnable guarded(String name, Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException | Error e) {
                log.error("{} failed; it runs again next period (B-L7)", name, e);
            }
        };
    }
}
