package dev.mcpd.application.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpd.domain.fake.InMemoryClientRegistry;
import dev.mcpd.domain.fake.InMemoryLivenessProbe;
import dev.mcpd.domain.model.ClientId;
import dev.mcpd.domain.model.PeerCredentials;
import dev.mcpd.domain.model.Pid;
import dev.mcpd.domain.model.TransportKind;
import dev.mcpd.domain.port.LivenessProbe;
import dev.mcpd.domain.testing.ManualClock;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The liveness sweep (B-L3) over fake processes: detection only, nothing here sleeps or acts. */
class LivenessSweepTest {

    private final ManualClock clock = new ManualClock();
    private final InMemoryClientRegistry registry = new InMemoryClientRegistry();
    private final InMemoryLivenessProbe probe = new InMemoryLivenessProbe();
    private final LivenessSweep sweep = new LivenessSweep(registry, probe);

    private ClientId client(Pid proxyPid, Pid hostPid) {
        ClientId id = registry.register(TransportKind.UNIX_SOCKET, PeerCredentials.unknown(), clock.instant());
        registry.identify(id, proxyPid, hostPid);
        return id;
    }

    private Pid started() {
        return probe.identify(probe.start(clock.instant())).orElseThrow();
    }

    @Test
    @DisplayName("B-L3 a client whose proxy died is reported, naming the proxy pid")
    void reportsADeadProxy() {
        Pid proxy = started();
        ClientId id = client(proxy, started());
        probe.kill(proxy.value());

        assertThat(sweep.deadClients()).containsExactly(
                new LivenessSweep.Dead(id, "proxy process " + proxy.value() + " is gone"));
    }

    @Test
    @DisplayName("B-L3 a client whose host died is reported though its proxy still runs")
    void reportsADeadHost() {
        Pid host = started();
        ClientId id = client(started(), host);
        probe.kill(host.value());

        assertThat(sweep.deadClients()).containsExactly(
                new LivenessSweep.Dead(id, "host process " + host.value() + " is gone"));
    }

    @Test
    @DisplayName("B-L2, B-L3 a pid now naming a process that started at another instant is a dead client")
    void aReusedPidIsDead() {
        long running = probe.start(clock.instant());
        ClientId id = client(new Pid(running, clock.instant().minus(Duration.ofMinutes(5))), null);

        assertThat(sweep.deadClients()).extracting(LivenessSweep.Dead::client).containsExactly(id);
    }

    @Test
    @DisplayName("B-L3 live clients are not reported")
    void liveClientsAreKept() {
        client(started(), started());
        client(started(), null);

        assertThat(sweep.deadClients()).isEmpty();
    }

    @Test
    @DisplayName("B-L3 a client with unknown pids (legacy, no hello) is never reported")
    void unknownPidsAreNeverReported() {
        client(null, null);

        assertThat(sweep.deadClients()).isEmpty();
    }

    @Test
    @DisplayName("B-L3 a probe that cannot tell (UNKNOWN) never gets a client reaped")
    void anUndecidableProbeNeverReaps() {
        LivenessProbe cannotTell = new LivenessProbe() {
            @Override
            public Optional<Pid> identify(long pid) {
                return Optional.empty();
            }

            @Override
            public Liveness check(Pid pid) {
                return Liveness.UNKNOWN;
            }

            @Override
            public ExitWatch onExit(Pid pid, Runnable action) {
                return ExitWatch.NONE;
            }
        };
        client(Pid.unverified(4242), Pid.unverified(4243));

        assertThat(new LivenessSweep(registry, cannotTell).deadClients()).isEmpty();
    }

    @Test
    @DisplayName("B-L3 several dead clients are reported in id order, live ones in between are kept")
    void reportsEveryDeadClientInIdOrder() {
        Pid first = started();
        Pid third = started();
        ClientId a = client(first, null);
        client(started(), null);
        ClientId c = client(third, null);
        probe.kill(third.value());
        probe.kill(first.value());

        assertThat(sweep.deadClients()).extracting(LivenessSweep.Dead::client).containsExactly(a, c);
    }
}
