package dev.mcpd.application.daemon;

import static java.util.Objects.requireNonNull;

import dev.mcpd.domain.port.ClientRegistry;
import dev.mcpd.domain.port.EngineFactory;
import dev.mcpd.domain.port.JsonCodec;
import dev.mcpd.domain.port.LeftoverProcesses;
import dev.mcpd.domain.port.LivenessProbe;
import dev.mcpd.domain.port.StateDirectory;
import dev.mcpd.domain.port.Transport;
import dev.mcpd.domain.time.Ticker;
import java.time.Clock;
import java.util.List;

/**
 * What a {@link Daemon} drives and reads time from, bound in bootstrap (or by a test with fakes).
 *
 * @param state the scope's state dir: lock, {@code daemon.json}, exit history (B-S1, B-S2, B-S3)
 * @param transports every transport the daemon may listen on, in start order; one that is unavailable is skipped
 * @param engineFactories the engines to start, in start order (closed in reverse, B-E1)
 * @param registry the connected clients and their calls in flight (B-L1)
 * @param probe whether a client's proxy and host processes live (B-L2, B-L3)
 * @param codec JSON for the wire
 * @param leftovers finds and stops what a SIGKILLed predecessor left running (B-E3); {@link LeftoverProcesses#none()}
 *     where nothing can be left
 * @param clock wall-clock instants for records, logs and {@code daemon_status}
 * @param ticker monotonic time for every deadline and elapsed time (STYLE rule 10); {@link Ticker#system()} in
 *     production
 */
public record DaemonPorts(
        StateDirectory state,
        List<Transport> transports,
        List<EngineFactory> engineFactories,
        ClientRegistry registry,
        LivenessProbe probe,
        JsonCodec codec,
        LeftoverProcesses leftovers,
        Clock clock,
        Ticker ticker) {

    public DaemonPorts {
        requireNonNull(state, "state is null");
        transports = List.copyOf(requireNonNull(transports, "transports is null"));
        engineFactories = List.copyOf(requireNonNull(engineFactories, "engineFactories is null"));
        requireNonNull(registry, "registry is null");
        requireNonNull(probe, "probe is null");
        requireNonNull(codec, "codec is null");
        requireNonNull(leftovers, "leftovers is null");
        requireNonNull(clock, "clock is null");
        requireNonNull(ticker, "ticker is null");
    }
}
