package dev.mcpd.application.proxy;

import static java.util.Objects.requireNonNull;

import dev.mcpd.domain.model.Endpoint;
import java.io.IOException;
import java.util.function.Supplier;

/**
 * The daemon at one given endpoint, e.g. {@code mcpd serve --mcp --connect tcp://host:7000} for a daemon in a
 * container or on another host. Unlike {@link DaemonFinder} it never launches anything: a daemon that does not
 * answer means the proxy serves in-process and retries in the background (B-G4, B-G5).
 *
 * @param dialer connects and reads the daemon's hello
 * @param endpoint where the daemon listens
 * @param version this build's version: a daemon of another is reported, never used (B-W5)
 */
public record FixedDaemon(DaemonDialer dialer, Endpoint endpoint, String version) implements Supplier<DaemonFinder.Result> {

    public FixedDaemon {
        requireNonNull(dialer, "dialer is null");
        requireNonNull(endpoint, "endpoint is null");
        requireNonNull(version, "version is null");
    }

    @Override
    public DaemonFinder.Result get() {
        try {
            DaemonLink link = dialer.dial(endpoint);
            if (!link.hello().version().equals(version)) {
                return new DaemonFinder.Result.VersionMismatch(link, version);
            }
            return new DaemonFinder.Result.Found(link);
        } catch (IOException | RuntimeException e) {
            return new DaemonFinder.Result.NotReachable("the daemon at " + endpoint + " did not answer: " + e.getMessage());
        }
    }
}
