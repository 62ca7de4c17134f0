package dev.mcpd.application.proxy;

import static java.util.Objects.requireNonNull;

import dev.mcpd.application.time.ConditionWait;
import dev.mcpd.domain.error.ProtocolViolationException;
import dev.mcpd.domain.model.DaemonHello;
import dev.mcpd.domain.model.DaemonRecord;
import dev.mcpd.domain.model.Endpoint;
import dev.mcpd.domain.port.DaemonConnector;
import dev.mcpd.domain.port.DaemonLauncher;
import dev.mcpd.domain.port.JsonCodec;
import dev.mcpd.domain.port.LivenessProbe;
import dev.mcpd.domain.port.StateDirectory;
import dev.mcpd.domain.time.Ticker;
import java.io.IOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the daemon of the scope, or cold-starts one (B-S3).
 *
 * <p>Invariants:
 * <ol>
 *   <li>A live record is used as it is; a record whose pid is dead, or no record, leads to one launch, unless
 *       a live process holds the scope lock: that daemon is starting (or cleaning a predecessor's stale files),
 *       so the finder waits for its record and never launches a second (B-S3, B-S4). Where the lock holder cannot
 *       be seen, the lock still decides between racing launches (B-S1): a losing daemon exits at once.
 *   <li>Proxies starting together launch one daemon: a proxy launches only while it holds the launch lock, which
 *       it keeps until it has found the daemon or given up; the others wait for the record (B-S4).
 *   <li>A record whose pid looks alive (a zombie does) but whose endpoints refuse for {@link #UNANSWERED_GRACE},
 *       while nobody is seen holding the lock, is treated as stale: a launch is tried, and the lock decides.
 *   <li>The finder never deletes anything: only the lock holder cleans stale files (B-S5).
 *   <li>It gives up after {@code timeout} and the caller serves in-process (B-G4).
 *   <li>A daemon of another version is never used (B-W5): {@link Result.VersionMismatch}.
 *   <li>Only the record's daemon is used (review finding 13): the hello's pid must equal the record's pid, and the
 *       {@link DaemonConnector} refuses a peer of another user; anything else is treated as not answering.
 *   <li>Nothing announces a new record, so the finder looks again every {@link #RETRY}. Every deadline and grace is
 *       read from the injected {@link Ticker}, so a test moves time instead of waiting for it (STYLE rule 10).
 * </ol>
 */
public final class DaemonFinder {

    private static final Logger log = LoggerFactory.getLogger(DaemonFinder.class);
    /** How long a record's live-looking daemon may leave its endpoints unanswered before a launch is tried. */
    private static final Duration UNANSWERED_GRACE = Duration.ofSeconds(1);
    /** How long the finder waits between two looks at the record. */
    private static final Duration RETRY = Duration.ofMillis(10);

    /** The outcome of {@link #find()}. */
    public sealed interface Result {
        record Found(DaemonLink link) implements Result {}

        /**
         * A daemon of another build answered; its link is open so that admin commands can still stop it.
         *
         * @param link the open link, after the daemon's hello
         * @param ours this build's version
         */
        record VersionMismatch(DaemonLink link, String ours) implements Result {
            public DaemonHello hello() {
                return link.hello();
            }
        }

        record NotReachable(String reason) implements Result {}
    }

    /**
     * What the finder looks for, and for how long.
     *
     * @param version this build's version: a daemon of another is never used (B-W5)
     * @param timeout how long to look, launch and wait before giving up (B-G4)
     * @param maxLineBytes the longest line read from the daemon
     */
    public record Settings(String version, Duration timeout, int maxLineBytes) {
        public Settings {
            requireNonNull(version, "version is null");
            requireNonNull(timeout, "timeout is null");
        }
    }

    private final StateDirectory state;
    private final LivenessProbe probe;
    private final DaemonDialer dialer;
    private final DaemonLauncher launcher;
    private final Settings settings;
    private final Ticker ticker;
    private final ConditionWait retry = new ConditionWait();
    private StateDirectory.ScopeLock launchLock;

    /** @param ticker monotonic time for the timeout and the grace ({@link Ticker#system()} in production) */
    public DaemonFinder(StateDirectory state, LivenessProbe probe, DaemonConnector connector, DaemonLauncher launcher,
            JsonCodec codec, Settings settings, Ticker ticker) {
        this.settings = requireNonNull(settings, "settings is null");
        this.state = requireNonNull(state, "state is null");
        this.probe = requireNonNull(probe, "probe is null");
        this.dialer = new DaemonDialer(connector, codec, settings.maxLineBytes());
        this.launcher = requireNonNull(launcher, "launcher is null");
        this.ticker = requireNonNull(ticker, "ticker is null");
    }

    /** Connects to the scope's daemon, launching it if none runs. Never throws for a missing daemon. */
    public Result find() {
        try {
            return findOrLaunch();
        } finally {
            if (launchLock != null) {
                launchLock.close();
                launchLock = null;
            }
        }
    }

    private Result findOrLaunch() {
        String version = settings.version();
        long deadline = ticker.deadlineAfter(settings.timeout());
        boolean launched = false;
        boolean unanswered = false;
        long unansweredSince = 0;
        Set<Endpoint> refusedLogged = new HashSet<>();
        String lastProblem = "no daemon record in " + state.root();
        while (true) {
            Optional<DaemonRecord> record = state.readRecord();
            boolean live = record.isPresent() && probe.check(record.get().pid()) != LivenessProbe.Liveness.DEAD;
            if (live) {
                for (Endpoint endpoint : record.get().endpoints()) {
                    try {
                        DaemonLink link = connect(endpoint, record.get().pid().value());
                        if (!link.hello().version().equals(version)) {
                            return new Result.VersionMismatch(link, version);
                        }
                        return new Result.Found(link);
                    } catch (IOException | RuntimeException e) {
                        lastProblem = "daemon pid " + record.get().pid().value() + " did not answer on " + endpoint + ": " + e;
                        if (e instanceof ProtocolViolationException && refusedLogged.add(endpoint)) {
                            log.warn("refused what answers on {}: {}", endpoint, e.getMessage()); // review finding 13
                        }
                    }
                }
                if (!unanswered) {
                    unanswered = true;
                    unansweredSince = ticker.nanoTime();
                }
            }
            // A record whose pid looks alive but that has not answered for a while, with nobody seen holding the
            // lock, is a dead daemon's (a zombie not yet reaped looks alive): launching is safe, the lock decides.
            // Otherwise the finder waits for the daemon of the record to answer.
            boolean mayLaunch = !live || (unanswered && ticker.since(unansweredSince).compareTo(UNANSWERED_GRACE) > 0);
            if (mayLaunch && state.lockHolder().isPresent()) {
                lastProblem = "daemon pid " + state.lockHolder().map(String::valueOf).orElse("?")
                        + " holds the scope lock but has not written its record";
            } else if (mayLaunch && !launched) {
                try {
                    if (launchLock == null) {
                        launchLock = state.tryLaunchLock().orElse(null);
                    }
                    if (launchLock == null) {
                        // another proxy is launching the daemon right now: wait for it (B-S4)
                        lastProblem = "another proxy is launching the daemon of " + state.root();
                    } else {
                        launcher.launch();
                        launched = true;
                        log.info("launched a daemon for {} ({})", state.root(),
                                record.isPresent() ? "stale record of pid " + record.get().pid().value() : "no record");
                    }
                } catch (IOException e) {
                    return new Result.NotReachable("could not launch a daemon: " + e.getMessage());
                }
            }
            if (ticker.nanosUntil(deadline) == 0) {
                return new Result.NotReachable(lastProblem + " (gave up after " + settings.timeout().toMillis() + " ms)");
            }
            if (!awaitRetry()) {
                return new Result.NotReachable("interrupted");
            }
        }
    }

    /** Waits {@link #RETRY} before the next look; false if the thread was interrupted (its status is set again). */
    private boolean awaitRetry() {
        try {
            retry.pause(RETRY);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private DaemonLink connect(Endpoint endpoint, long recordPid) throws IOException {
        return dialer.dial(endpoint, recordPid);
    }
}
