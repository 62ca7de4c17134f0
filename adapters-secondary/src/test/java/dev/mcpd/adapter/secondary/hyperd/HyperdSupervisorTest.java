package dev.mcpd.adapter.secondary.hyperd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.mcpd.adapter.secondary.process.ProcessDaemonLauncher;
import dev.mcpd.domain.error.HyperdException;
import dev.mcpd.domain.testing.TestTime;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link HyperdSupervisor}'s invariants against a real hyperd (B-B3, B-E1, B-E3). */
class HyperdSupervisorTest {

    @TempDir
    Path dir;

    private final Clock clock = Clock.systemUTC();

    @Test
    void readsTheLengthPrefixedNulTerminatedDescriptor() throws Exception {
        byte[] descriptor = "tab.tcp://127.0.0.1:36513\0".getBytes(StandardCharsets.US_ASCII);
        byte[] wire = new byte[descriptor.length + 1];
        wire[0] = (byte) descriptor.length;
        System.arraycopy(descriptor, 0, wire, 1, descriptor.length);
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
                Socket accepted = server.accept()) {
            client.getOutputStream().write(wire);
            assertThat(HyperdSupervisor.readDescriptor(accepted)).isEqualTo("tab.tcp://127.0.0.1:36513");
        }
        assertThat(new ByteArrayInputStream(wire).available()).isPositive();
    }

    @Test
    void closingStopsHyperdAtOnceThroughItsCallbackSocket() throws Exception {
        HyperdSupervisor supervisor = new HyperdSupervisor(RealHyperd.binary(), PgWireHyperdClientConfig.defaults(dir), clock);
        HyperdSupervisor.Running running = supervisor.running(clock.instant().plusSeconds(30));
        assertThat(running.descriptor()).isEqualTo("tab.domain://" + running.socket().getParent() + "/domain/.s.PGSQL.1");
        long started = System.nanoTime();
        supervisor.close();
        assertThat(running.process().isAlive()).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(TestTime.scaled(Duration.ofSeconds(1)));
        assertThat(running.process().exitValue()).as("hyperd exits 0 when its callback closes").isZero();
        assertThat(supervisor.state()).isEqualTo("stopped");
        supervisor.close();
        assertThatThrownBy(() -> supervisor.running(clock.instant().plusSeconds(5)))
                .isInstanceOf(HyperdException.Unavailable.class);
    }

    @Test
    void noHyperdIsOrphanedWhenItsSupervisorIsKilled() throws Exception {
        List<String> command = ProcessDaemonLauncher.sameJvm(SupervisorHolderMain.class.getName(), List.of(),
                List.of(RealHyperd.binary().toString(), dir.toString()));
        Process holder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        long hyperdPid;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            do {
                line = out.readLine(); // the holder's log lines come first
            } while (line != null && !line.startsWith("hyperd-pid="));
            assertThat(line).as("the holder printed hyperd's pid").isNotNull();
            hyperdPid = Long.parseLong(line.substring("hyperd-pid=".length()).trim());
            assertThat(ProcessHandle.of(hyperdPid).map(ProcessHandle::isAlive)).contains(true);
            holder.destroyForcibly(); // SIGKILL: no shutdown hook, no close(); only the kernel closes the socket
            assertThat(holder.waitFor(10, TimeUnit.SECONDS)).isTrue();
        } finally {
            holder.destroyForcibly();
        }
        await().atMost(TestTime.scaled(Duration.ofSeconds(2))).untilAsserted(() ->
                assertThat(ProcessHandle.of(hyperdPid).map(ProcessHandle::isAlive).orElse(false))
                        .as("hyperd %d outlived its supervisor (B-E3)", hyperdPid).isFalse());
    }

    @Test
    void restartsAtMostThreeTimesAMinuteThenReportsFailed() throws Exception {
        try (HyperdSupervisor supervisor = new HyperdSupervisor(RealHyperd.binary(), PgWireHyperdClientConfig.defaults(dir), clock)) {
            long pid = supervisor.running(clock.instant().plusSeconds(30)).process().pid();
            for (int restart = 1; restart <= HyperdSupervisor.MAX_RESTARTS; restart++) {
                PgWireHyperdClientTest.signal("KILL", pid);
                long killed = pid;
                await().atMost(TestTime.scaled(Duration.ofSeconds(15))).until(() -> supervisor.runningNow()
                        .map(r -> r.process().pid() != killed).orElse(false));
                pid = supervisor.runningNow().orElseThrow().process().pid();
                assertThat(supervisor.restarts()).isEqualTo(restart);
            }
            PgWireHyperdClientTest.signal("KILL", pid);
            await().atMost(TestTime.scaled(Duration.ofSeconds(5))).until(() -> supervisor.state().equals("failed"));
            assertThat(supervisor.lastError()).contains("exited with code");
            assertThatThrownBy(() -> supervisor.running(clock.instant().plusSeconds(5)))
                    .isInstanceOf(HyperdException.Unavailable.class).hasMessageContaining("not restarting");
            assertThat(supervisor.runningNow()).isEmpty();
        }
    }
}
