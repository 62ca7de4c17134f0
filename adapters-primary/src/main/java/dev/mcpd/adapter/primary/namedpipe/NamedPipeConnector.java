package dev.mcpd.adapter.primary.namedpipe;

import static java.util.Objects.requireNonNull;

import dev.mcpd.adapter.primary.connection.StreamConnection;
import dev.mcpd.domain.model.Endpoint;
import dev.mcpd.domain.model.PeerCredentials;
import dev.mcpd.domain.model.TransportKind;
import dev.mcpd.domain.port.Connection;
import dev.mcpd.domain.port.DaemonConnector;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.time.Duration;

/**
 * The proxy's side of the named pipe transport (ADR 0008).
 *
 * <p>Invariants (tested in {@code NamedPipeConnectorTest}):
 * <ol>
 *   <li>No pipe of that name ({@code ERROR_FILE_NOT_FOUND}) fails at once with {@link NoSuchFileException}: there is
 *       no daemon, and the caller may launch one (B-S3).
 *   <li>A busy pipe ({@code ERROR_PIPE_BUSY}: the daemon is between two instances, or has stopped accepting) is
 *       waited for with {@code WaitNamedPipeW} and retried, for up to the busy timeout in all; then
 *       {@link PipeBusyException}.
 *   <li>The connection's peer is {@link PeerCredentials#unknown()}; close is {@link PipeChannel}'s (B-C1).
 *   <li>The client end is opened with {@code SECURITY_SQOS_PRESENT | SECURITY_IDENTIFICATION}
 *       ({@link Kernel32PipeApi}), so a server that is not our daemon cannot impersonate the proxy's user.
 * </ol>
 */
public final class NamedPipeConnector implements DaemonConnector {

    /** The default busy timeout: long enough for a daemon between two instances, short enough for a host. */
    public static final Duration DEFAULT_BUSY_TIMEOUT = Duration.ofSeconds(2);

    private final PipeApi api;
    private final Duration busyTimeout;

    /**
     * @param api the pipe calls
     * @param busyTimeout how long in all to keep retrying a busy pipe (invariant 2); zero tries once
     */
    public NamedPipeConnector(PipeApi api, Duration busyTimeout) {
        this.api = requireNonNull(api, "api is null");
        this.busyTimeout = requireNonNull(busyTimeout, "busyTimeout is null");
        if (busyTimeout.isNegative()) {
            throw new IllegalArgumentException("busyTimeout is negative: " + busyTimeout);
        }
    }

    /**
     * Connects to the daemon's pipe.
     *
     * @throws NoSuchFileException if no pipe of that name exists (no daemon)
     * @throws PipeBusyException if every instance stayed busy for the busy timeout
     * @throws IOException for any other failure
     * @throws IllegalArgumentException if {@code endpoint} is not a valid named pipe endpoint
     */
    @Override
    public Connection connect(Endpoint endpoint) throws IOException {
        if (endpoint.kind() != TransportKind.NAMED_PIPE) {
            throw new IllegalArgumentException("not a named pipe endpoint: " + endpoint);
        }
        String name = PipeName.requireValid(endpoint.address());
        PipeHandle handle = open(name);
        return new PipeConnection(endpoint, PeerCredentials.unknown(), new PipeChannel(api, handle, name),
                StreamConnection.UNTRACKED);
    }

    private PipeHandle open(String name) throws IOException {
        long deadline = System.nanoTime() + busyTimeout.toNanos();
        while (true) {
            try {
                return api.openClient(name);
            } catch (PipeBusyException busy) {
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    throw new PipeBusyException("CreateFileW",
                            name + ": every instance stayed busy for " + busyTimeout + " (is the daemon stopping?)");
                }
                // An instance may free up and be taken by another client first: loop and try again.
                PipeChannel.PLATFORM_THREADS.call(() -> api.waitForInstance(name, Duration.ofNanos(remaining)));
            }
        }
    }
}
