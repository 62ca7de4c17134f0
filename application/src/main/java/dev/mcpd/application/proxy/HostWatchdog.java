package dev.mcpd.application.proxy;

import static java.util.Objects.requireNonNull;

import dev.mcpd.application.time.ConditionWait;
import dev.mcpd.domain.model.Pid;
import dev.mcpd.domain.port.LivenessProbe;
import dev.mcpd.domain.time.Ticker;
import java.time.Duration;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends a proxy whose host went away without closing its stdin (B-G1), or that never heard from its host (B-G2).
 *
 * <p>Invariants:
 * <ol>
 *   <li>B-G1 every {@code poll} period: with a named host ({@code MCPD_HOST_PID}, past a launcher shim) the proxy
 *       ends when that process is dead (pid and start instant, so a reused pid is not taken for the host); with no
 *       named host it ends when its parent is dead or its parent pid changed (POSIX reparenting).
 *   <li>B-G2 no byte from the host within {@code startupTimeout} ends the proxy.
 *   <li>The watchdog runs on one virtual thread started after the proxy has connected, off the start-up path; a
 *       failing check is logged and runs again next period (house rule 11). It reports at most once.
 *   <li>Elapsed time is read from the injected {@link Ticker} (STYLE rule 10): a test moves it instead of waiting;
 *       between two checks the thread waits at most {@code poll}.
 * </ol>
 */
public final class HostWatchdog {

    private static final Logger log = LoggerFactory.getLogger(HostWatchdog.class);

    private final LivenessProbe probe;
    private final Long hostPid;
    private final LongSupplier parentPid;
    private final Duration poll;
    private final Duration startupTimeout;
    private final Ticker ticker;
    private final ConditionWait pause = new ConditionWait();

    /**
     * @param probe tells whether a process lives
     * @param hostPid the host named by {@code MCPD_HOST_PID}, or {@code null} to watch the proxy's parent
     * @param parentPid the proxy's current parent pid (0 when it has none); read once at start and every period
     * @param poll how often to check, positive
     * @param startupTimeout how long to wait for the host's first byte; zero = forever
     */
    public HostWatchdog(LivenessProbe probe, Long hostPid, LongSupplier parentPid, Duration poll, Duration startupTimeout) {
        this(probe, hostPid, parentPid, poll, startupTimeout, Ticker.system());
    }

    /**
     * As the other constructor, reading elapsed time from {@code ticker}.
     *
     * @param ticker monotonic time for the startup timeout ({@link Ticker#system()} in production)
     */
    public HostWatchdog(LivenessProbe probe, Long hostPid, LongSupplier parentPid, Duration poll, Duration startupTimeout,
            Ticker ticker) {
        this.ticker = requireNonNull(ticker, "ticker is null");
        this.probe = requireNonNull(probe, "probe is null");
        this.hostPid = hostPid;
        this.parentPid = requireNonNull(parentPid, "parentPid is null");
        this.poll = requireNonNull(poll, "poll is null");
        this.startupTimeout = requireNonNull(startupTimeout, "startupTimeout is null");
        if (poll.isZero() || poll.isNegative()) {
            throw new IllegalArgumentException("poll must be positive, was " + poll);
        }
    }

    /** The proxy's real parent, 0 when it has none. */
    public static long currentParent() {
        return ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(0L);
    }

    /**
     * Starts watching on a virtual thread; returns at once.
     *
     * @param hostSpoke whether the host has sent any byte yet (B-G2)
     * @param onHostGone called once, with the reason, when the host is gone or stayed silent too long
     * @return the watching thread (interrupt it to stop watching)
     */
    public Thread start(BooleanSupplier hostSpoke, Consumer<String> onHostGone) {
        long startedAt = ticker.nanoTime();
        return Thread.ofVirtual().name("host-watchdog").start(() -> watch(startedAt, hostSpoke, onHostGone));
    }

    private void watch(long startedAt, BooleanSupplier hostSpoke, Consumer<String> onHostGone) {
        long firstParent = parentPid.getAsLong();
        Pid watched = identify(hostPid != null ? hostPid : firstParent);
        while (!Thread.currentThread().isInterrupted()) {
            long sleepNanos = poll.toNanos();
            try {
                Optional<String> gone = check(watched, firstParent, startedAt, hostSpoke);
                if (gone.isPresent()) {
                    log.info("ending the proxy: {}", gone.get());
                    onHostGone.accept(gone.get());
                    return;
                }
                if (!startupTimeout.isZero() && !hostSpoke.getAsBoolean()) {
                    long left = startupTimeout.toNanos() - (ticker.nanoTime() - startedAt);
                    sleepNanos = Math.max(1_000_000, Math.min(sleepNanos, left));
                }
            } catch (RuntimeException e) {
                log.warn("host watchdog check failed; trying again in {}", poll, e);
            }
            try {
                pause.pause(Duration.ofNanos(sleepNanos));
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private Optional<String> check(Pid watched, long firstParent, long startedAt, BooleanSupplier hostSpoke) {
        if (hostPid != null) {
            if (watched == null || probe.check(watched) == LivenessProbe.Liveness.DEAD) {
                return Optional.of("host pid " + hostPid + " (MCPD_HOST_PID) is gone");
            }
        } else {
            long parent = parentPid.getAsLong();
            if (parent != firstParent) {
                return Optional.of("the parent pid changed from " + firstParent + " to " + parent + " (the host is gone)");
            }
            if (watched != null && probe.check(watched) == LivenessProbe.Liveness.DEAD) {
                return Optional.of("the parent pid " + firstParent + " is gone");
            }
        }
        if (!startupTimeout.isZero() && !hostSpoke.getAsBoolean()
                && ticker.nanoTime() - startedAt >= startupTimeout.toNanos()) {
            return Optional.of("no byte from the host within " + startupTimeout + " (MCPD_STARTUP_TIMEOUT)");
        }
        return Optional.empty();
    }

    private Pid identify(long pid) {
        return pid > 0 ? probe.identify(pid).orElse(null) : null;
    }
}
