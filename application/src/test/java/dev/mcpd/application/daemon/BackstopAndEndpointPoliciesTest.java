package dev.mcpd.application.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpd.domain.fake.InMemoryClientRegistry;
import dev.mcpd.domain.fake.InMemoryLivenessProbe;
import dev.mcpd.domain.fake.InMemoryTransport;
import dev.mcpd.domain.model.ClientId;
import dev.mcpd.domain.model.PeerCredentials;
import dev.mcpd.domain.model.Pid;
import dev.mcpd.domain.model.TransportKind;
import dev.mcpd.domain.policy.ExpirationPolicy;
import dev.mcpd.domain.policy.ExpirationResult;
import dev.mcpd.domain.policy.ExpirationStatus;
import dev.mcpd.domain.testing.ManualClock;
import dev.mcpd.testing.state.InMemoryStateDirectory;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The inactivity backstop and the endpoint-lost policy on a fake clock and fake processes: nothing here sleeps. */
class BackstopAndEndpointPoliciesTest {

    private static final Duration MAX_IDLE = Duration.ofMinutes(30);

    private final ManualClock clock = new ManualClock();
    private final InMemoryClientRegistry registry = new InMemoryClientRegistry();
    private final InMemoryLivenessProbe probe = new InMemoryLivenessProbe();
    private final ExpirationPolicy backstop = ExpirationPolicies.inactivityBackstop(registry, probe, clock, MAX_IDLE);

    private ClientId client(Long proxyPid, Long hostPid) {
        ClientId id = registry.register(TransportKind.UNIX_SOCKET, PeerCredentials.unknown(), clock.instant());
        registry.identify(id, proxyPid == null ? null : probe.identify(proxyPid).orElseThrow(),
                hostPid == null ? null : probe.identify(hostPid).orElseThrow());
        return id;
    }

    @Nested
    class InactivityBackstop {

        @Test
        @DisplayName("B-L5 a live client that sends nothing is never cut off")
        void neverCutsOffAQuietLiveClient() {
            long proxy = probe.start(clock.instant());
            long host = probe.start(clock.instant());
            client(proxy, host);

            clock.advance(Duration.ofDays(3));

            assertThat(backstop.check()).isEqualTo(ExpirationResult.DO_NOT_EXPIRE);
        }

        @Test
        @DisplayName("B-L5 one live host among dead clients keeps the daemon alive")
        void oneProvablyLiveClientIsEnough() {
            long deadProxy = probe.start(clock.instant());
            client(deadProxy, null);
            probe.kill(deadProxy);
            long proxy = probe.start(clock.instant());
            long host = probe.start(clock.instant());
            client(proxy, host);
            probe.kill(proxy); // its host is still there

            clock.advance(MAX_IDLE.plusMinutes(1));

            assertThat(backstop.check().expires()).isFalse();
        }

        @Test
        @DisplayName("B-L5 a client whose proxy and host died lets the backstop fire after maxIdle, not before")
        void firesForDeadPidsAfterMaxIdle() {
            long proxy = probe.start(clock.instant());
            long host = probe.start(clock.instant());
            client(proxy, host);
            probe.kill(proxy);
            probe.kill(host);

            clock.advance(MAX_IDLE.minusSeconds(1));
            assertThat(backstop.check().expires()).as("29m59s without traffic").isFalse();

            clock.advance(Duration.ofSeconds(1));
            ExpirationResult result = backstop.check();
            assertThat(result.status()).isEqualTo(ExpirationStatus.GRACEFUL_EXPIRE);
            assertThat(result.reason()).contains("inactivity backstop").contains("1800 s").contains("1 client(s)");
        }

        @Test
        @DisplayName("B-L5 a client with unknown pids (legacy, no hello) cannot be shown alive: the backstop fires")
        void firesForUnknownPids() {
            client(null, null);

            clock.advance(MAX_IDLE);

            assertThat(backstop.check().expires()).isTrue();
        }

        @Test
        @DisplayName("B-L2, B-L5 a reused pid (same number, other start instant) is not proof of life")
        void aReusedPidIsNotAlive() {
            long proxy = probe.start(clock.instant());
            ClientId id = registry.register(TransportKind.UNIX_SOCKET, PeerCredentials.unknown(), clock.instant());
            registry.identify(id, new Pid(proxy, clock.instant().minusSeconds(60)), null);

            clock.advance(MAX_IDLE);

            assertThat(backstop.check().expires()).isTrue();
        }

        @Test
        @DisplayName("B-L5 traffic from any client restarts the count")
        void trafficRestartsTheCount() {
            ClientId id = client(null, null);
            clock.advance(MAX_IDLE.minusMinutes(1));
            registry.touch(id, clock.instant());

            clock.advance(MAX_IDLE.minusSeconds(1));
            assertThat(backstop.check().expires()).isFalse();

            clock.advance(Duration.ofSeconds(1));
            assertThat(backstop.check().expires()).isTrue();
        }

        @Test
        @DisplayName("B-L5 a zero maxIdle turns the backstop off")
        void zeroIsOff() {
            ExpirationPolicy off = ExpirationPolicies.inactivityBackstop(registry, probe, clock, Duration.ZERO);
            client(null, null);

            clock.advance(Duration.ofDays(365));

            assertThat(off.check().expires()).isFalse();
        }

        @Test
        @DisplayName("B-L4, B-L5 with no clients the backstop never fires: that is the idle timer's case")
        void noClientsNeverFires() {
            clock.advance(Duration.ofDays(365));

            assertThat(backstop.check().expires()).isFalse();
        }
    }

    @Nested
    class EndpointLost {

        private final InMemoryStateDirectory state = new InMemoryStateDirectory();
        private final InMemoryTransport unix = new InMemoryTransport("unix");
        private final InMemoryTransport tcp = new InMemoryTransport("tcp");
        private final ExpirationPolicy endpointLost = ExpirationPolicies.endpointLost(state, List.of(unix, tcp));

        @org.junit.jupiter.api.BeforeEach
        void startTransports() {
            unix.start(connection -> {});
            tcp.start(connection -> {});
        }

        @Test
        @DisplayName("B-L6 intact socket and lock: no expiry")
        void intactEndpointDoesNotExpire() {
            assertThat(endpointLost.check()).isEqualTo(ExpirationResult.DO_NOT_EXPIRE);
        }

        @Test
        @DisplayName("B-L6, B-S5 a removed socket or lock file expires the daemon at once, naming the problem")
        void lostEndpointExpiresImmediately() {
            state.reportIntegrityProblem("/tmp/x/daemon.sock was removed");

            ExpirationResult result = endpointLost.check();

            assertThat(result.status()).isEqualTo(ExpirationStatus.IMMEDIATE_EXPIRE);
            assertThat(result.reason()).isEqualTo("endpoint lost: /tmp/x/daemon.sock was removed");
        }

        @Test
        @DisplayName("B-L6 an endpoint a transport bound and lost expires the daemon at once, naming it (review finding 3)")
        void aTransportsLostEndpointExpiresImmediately() {
            tcp.loseEndpoint("socket removed");

            ExpirationResult result = endpointLost.check();

            assertThat(result.status()).isEqualTo(ExpirationStatus.IMMEDIATE_EXPIRE);
            assertThat(result.reason()).startsWith("endpoint lost: ").contains("tcp").contains("socket removed");
        }

        @Test
        @DisplayName("B-L6 only what the transports bound is checked: no transport problem and an intact lock never expire"
                + " (review finding 3)")
        void onlyTheTransportsAndTheLockAreAsked() {
            for (int i = 0; i < 5; i++) {
                assertThat(endpointLost.check()).isEqualTo(ExpirationResult.DO_NOT_EXPIRE);
            }
        }

        @Test
        @DisplayName("B-L6 endpoint lost outranks a graceful backstop when composed")
        void outranksGracefulPolicies() {
            state.reportIntegrityProblem("/tmp/x/daemon.lock was removed");
            client(null, null);
            clock.advance(MAX_IDLE);

            ExpirationResult result = ExpirationPolicy.anyOf(backstop, endpointLost).check();

            assertThat(result.status()).isEqualTo(ExpirationStatus.IMMEDIATE_EXPIRE);
            assertThat(result.reason()).contains("daemon.lock");
        }
    }
}
