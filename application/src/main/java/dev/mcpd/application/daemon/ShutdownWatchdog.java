package dev.mcpd.application.daemon;

import static java.util.Objects.requireNonNull;

import dev.mcpd.domain.port.Transport;
import java.util.function.IntConsumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shutdown watchdog (B-E2, review finding 2, ADR 0010), armed when a shutdown begins: it waits for the daemon to
 * reach {@link DaemonState#STOPPED}, until the grace period's deadline or a {@link DaemonState#FORCE_STOP_REQUESTED}.
 * Then it moves to {@link DaemonState#FORCE_STOPPING}, closes every connection (on a thread of its own, in case a
 * transport is what hangs) and, if the shutdown has still not finished {@link Daemon#HALT_MARGIN} later, records the
 * exit, removes this daemon's record and halts the process with {@link Daemon#EXIT_FORCED}; the kernel releases the
 * lock.
 */
final class ShutdownWatchdog {

    private static final Logger log = LoggerFactory.getLogger(ShutdownWatchdog.class);

    private final DaemonContext daemon;
    private final DaemonPorts ports;
    private final DaemonStateCoordinator coordinator;
    private final IntConsumer halt;
    private final Supplier<String> step;

    /**
     * @param halt ends the process with the given exit code at once, without shutdown hooks (B-E2)
     * @param step the shutdown step under way, for the log and the exit history
     */
    ShutdownWatchdog(DaemonContext daemon, IntConsumer halt, Supplier<String> step) {
        this.daemon = requireNonNull(daemon, "daemon is null");
        this.ports = daemon.ports();
        this.coordinator = daemon.coordinator();
        this.halt = requireNonNull(halt, "halt is null");
        this.step = requireNonNull(step, "step is null");
    }

    /**
     * Starts watching on the platform thread {@code mcpd-shutdown-watchdog}; returns at once.
     *
     * @param shutdownThread the thread running the shutdown, whose stack is logged if it overruns
     * @param deadlineNanos the end of the grace period, a reading of {@link DaemonPorts#ticker()}
     */
    void arm(Thread shutdownThread, long deadlineNanos) {
        Thread.ofPlatform().name("mcpd-shutdown-watchdog").daemon().start(() -> watch(shutdownThread, deadlineNanos));
    }

    private void watch(Thread shutdownThread, long deadlineNanos) {
        try {
            DaemonState seen = coordinator.awaitUntil(
                    s -> s == DaemonState.STOPPED || s == DaemonState.FORCE_STOP_REQUESTED, deadlineNanos);
            if (seen == DaemonState.STOPPED || coordinator.advanceTo(DaemonState.FORCE_STOPPING) == DaemonState.STOPPED) {
                return;
            }
            String why = seen == DaemonState.FORCE_STOP_REQUESTED ? "forced by a second stop signal"
                    : "not finished within the grace period of " + daemon.settings().shutdownGrace().toMillis() + " ms";
            Throwable stuckAt = new Throwable("the shutdown thread's stack");
            stuckAt.setStackTrace(shutdownThread.getStackTrace());
            log.error("shutdown {} (at step: {}); closing every connection (B-E2)", why, step.get(), stuckAt);
            Thread.ofVirtual().name("mcpd-force-close").start(() -> ports.transports().forEach(this::forceClose));
            if (coordinator.awaitUntil(s -> s == DaemonState.STOPPED, ports.ticker().deadlineAfter(Daemon.HALT_MARGIN))
                    == DaemonState.STOPPED) {
                return;
            }
            log.error("shutdown still not finished {} ms later (at step: {}); halting with exit {} (B-E2)",
                    Daemon.HALT_MARGIN.toMillis(), step.get(), Daemon.EXIT_FORCED);
            try {
                ports.state().recordExit(ports.clock().instant() + " pid " + daemon.identity().pid().value() + " exit "
                        + Daemon.EXIT_FORCED + ": " + coordinator.stopReason() + "; shutdown " + why
                        + ", halted at step: " + step.get());
                ports.state().removeRecordIfOwnedBy(daemon.identity().pid());
            } finally {
                halt.accept(Daemon.EXIT_FORCED);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.error("the shutdown watchdog failed", e);
        }
    }

    private void forceClose(Transport transport) {
        try {
            transport.requestForcefulStop();
        } catch (RuntimeException e) {
            log.warn("transport {} failed to close its connections", transport.kind(), e);
        }
    }
}
