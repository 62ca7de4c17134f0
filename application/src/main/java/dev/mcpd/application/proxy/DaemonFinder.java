package dev.mcpd.application.proxy;

import static java.util.Objects.requireNonNull;

import dev.mcpd.application.daemon.HelloProtocol;
import dev.mcpd.application.wire.LineReader;
import dev.mcpd.domain.error.MalformedMessageException;
import dev.mcpd.domain.model.DaemonHello;
import dev.mcpd.domain.model.DaemonRecord;
import dev.mcpd.domain.model.Endpoint;
import dev.mcpd.domain.port.Connection;
import dev.mcpd.domain.port.DaemonConnector;
import dev.mcpd.domain.port.DaemonLauncher;
import dev.mcpd.domain.port.JsonCodec;
import dev.mcpd.domain.port.LivenessProbe;
import dev.mcpd.domain.port.StateDirectory;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the daemon of the scope, or cold-starts one (B-S3).
 *
 * <p>Invariants:
 * <ol>
 *   <li>A live record is used as it is; a record whose pid is dead, or no record, leads to one launch. The lock
 *       decides between racing launches (B-S1): a losing daemon exits at once, so a second launch is harmless.
 *   <li>The finder never deletes anything: only the lock holder cleans stale files (B-S5).
 *   <li>It gives up after {@code timeout} and the caller serves in-process (B-G4).
 *   <li>A daemon of another version is never used (B-W5): {@link Result.VersionMismatch}.
 * </ol>
 */
public final class DaemonFinder {

    private static final Logger log = LoggerFactory.getLogger(DaemonFinder.class);

    /** The outcome of {@link #find()}. */
    public sealed interface Result {
        record Found(DaemonLink link) implements Result {}

        /** A daemon of another build answered; its link is open so that admin commands can still stop it. */
        record VersionMismatch(DaemonLink link) implements Result {
            public DaemonHello hello() {
                return link.hello();
            }
        }

        record NotReachable(String reason) implements Result {}
    }

    private final StateDirectory state;
    private final LivenessProbe probe;
    private final DaemonConnector connector;
    private final DaemonLauncher launcher;
    private final JsonCodec codec;
    private final String version;
    private final Duration timeout;
    private final int maxLineBytes;

    public DaemonFinder(StateDirectory state, LivenessProbe probe, DaemonConnector connector, DaemonLauncher launcher,
            JsonCodec codec, String version, Duration timeout, int maxLineBytes) {
        this.state = requireNonNull(state, "state is null");
        this.probe = requireNonNull(probe, "probe is null");
        this.connector = requireNonNull(connector, "connector is null");
        this.launcher = requireNonNull(launcher, "launcher is null");
        this.codec = requireNonNull(codec, "codec is null");
        this.version = requireNonNull(version, "version is null");
        this.timeout = requireNonNull(timeout, "timeout is null");
        this.maxLineBytes = maxLineBytes;
    }

    /** Connects to the scope's daemon, launching it if none runs. Never throws for a missing daemon. */
    public Result find() {
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean launched = false;
        String lastProblem = "no daemon record in " + state.root();
        while (true) {
            Optional<DaemonRecord> record = state.readRecord();
            if (record.isPresent() && probe.check(record.get().pid()) != LivenessProbe.Liveness.DEAD) {
                for (Endpoint endpoint : record.get().endpoints()) {
                    try {
                        DaemonLink link = connect(endpoint);
                        if (!link.hello().version().equals(version)) {
                            return new Result.VersionMismatch(link);
                        }
                        return new Result.Found(link);
                    } catch (IOException | RuntimeException e) {
                        lastProblem = "daemon pid " + record.get().pid().value() + " did not answer on " + endpoint + ": " + e;
                    }
                }
            } else if (!launched) {
                try {
                    launcher.launch();
                    launched = true;
                    log.info("launched a daemon for {} ({})", state.root(),
                            record.isPresent() ? "stale record of pid " + record.get().pid().value() : "no record");
                } catch (IOException e) {
                    return new Result.NotReachable("could not launch a daemon: " + e.getMessage());
                }
            }
            if (System.nanoTime() > deadline) {
                return new Result.NotReachable(lastProblem + " (gave up after " + timeout.toMillis() + " ms)");
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Result.NotReachable("interrupted");
            }
        }
    }

    private DaemonLink connect(Endpoint endpoint) throws IOException {
        Connection connection = connector.connect(endpoint);
        try {
            LineReader reader = new LineReader(connection.input(), maxLineBytes);
            byte[] line = reader.readLine();
            if (line == null) {
                throw new IOException("closed before its hello");
            }
            DaemonHello hello = HelloProtocol.readDaemonHello(codec.parse(line, 0, line.length));
            if (hello == null) {
                throw new IOException("the first line was not an mcpd hello");
            }
            return new DaemonLink(connection, reader, hello);
        } catch (IOException | MalformedMessageException e) {
            connection.close();
            throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
        }
    }
}
