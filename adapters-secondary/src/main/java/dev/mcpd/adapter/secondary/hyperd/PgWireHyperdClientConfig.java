package dev.mcpd.adapter.secondary.hyperd;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Settings of the hyperd client.
 *
 * @param database the embedded default database file, attached as {@code main}; created when missing
 *        (default {@code <state dir>/hyperd/mcpd.hyper})
 * @param logDir hyperd's log directory (default {@code <state dir>/hyperd/log})
 * @param runDir the private (0700) directory of hyperd's Unix-domain sockets, one subdirectory per process (default
 *        {@code <state dir>/hyperd/run}; a short directory under {@code java.io.tmpdir} when too deep, ADR 0013)
 * @param poolSize the most connections open at once (default 8); a call beyond waits for one, up to its deadline; one
 *        client holds at most {@code poolSize - 1} of them (review finding 12)
 * @param borrowTimeout the longest any call waits for a pool connection (default 30 s); its own deadline usually
 *        comes first
 * @param socketGrace added to an operation's remaining time to make its socket read timeout (default 2 s): the
 *        statement's own timeout (a cancel request) fires first; the socket timeout only bounds a frozen server
 * @param startTimeout how long hyperd may take to call back after it was started (default 20 s)
 */
public record PgWireHyperdClientConfig(
        Path database, Path logDir, Path runDir, int poolSize, Duration borrowTimeout, Duration socketGrace, Duration startTimeout) {

    public PgWireHyperdClientConfig {
        requireNonNull(database, "database is null");
        requireNonNull(logDir, "logDir is null");
        requireNonNull(runDir, "runDir is null");
        requireNonNull(borrowTimeout, "borrowTimeout is null");
        requireNonNull(socketGrace, "socketGrace is null");
        requireNonNull(startTimeout, "startTimeout is null");
        if (poolSize < 1) {
            throw new IllegalArgumentException("poolSize must be at least 1: " + poolSize);
        }
    }

    /** These settings with another default database file. */
    public PgWireHyperdClientConfig withDatabase(Path file) {
        return new PgWireHyperdClientConfig(file, logDir, runDir, poolSize, borrowTimeout, socketGrace, startTimeout);
    }

    /** The defaults, with files under {@code hyperdDir}. */
    public static PgWireHyperdClientConfig defaults(Path hyperdDir) {
        return new PgWireHyperdClientConfig(hyperdDir.resolve("mcpd.hyper"), hyperdDir.resolve("log"),
                hyperdDir.resolve("run"), 8, Duration.ofSeconds(30), Duration.ofSeconds(2), Duration.ofSeconds(20));
    }
}
