package dev.mcpd.adapter.secondary.hyperd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mcpd.adapter.secondary.process.ProcessDaemonLauncher;
import dev.mcpd.domain.error.HyperdException;
import dev.mcpd.domain.model.hyperd.HyperdState;
import dev.mcpd.domain.testing.TestTime;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link HyperdSupervisor}'s invariants against a real hyperd (B-B3, B-E1, B-E3; review findings 1 and 15). */
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
            assertThat(HyperdLaunch.readDescriptor(accepted)).isEqualTo("tab.tcp://127.0.0.1:36513");
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
        assertThat(supervisor.health().state()).isEqualTo(HyperdState.STOPPED);
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
    void anotherLocalUserCannotReachHyperdNorItsCallbackSocket() throws Exception { // review findings 1 and 15, B-T2
        assumeTrue(uid() == 0, "running a probe as uid 65534 (setpriv) needs root; CI runs as root");
        // Open JUnit's temp dir, as a state dir's parent may be: only the supervisor's own directory may guard hyperd.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (HyperdSupervisor supervisor = new HyperdSupervisor(RealHyperd.binary(), PgWireHyperdClientConfig.defaults(dir),
                clock)) {
            HyperdSupervisor.Running running = supervisor.running(clock.instant().plusSeconds(30));
            assertThat(probe(false, running.descriptor())).as("the owner's own probe gets a row").isEqualTo("row: 1");
            // Before the fix (tab.tcp://localhost, no password) this was "row: 1" too: review finding 1's reproduction.
            assertThat(probe(true, running.descriptor())).as("uid 65534 connecting to hyperd")
                    .startsWith("refused: ").contains("Permission denied");
            String callback = HyperdLaunch.descriptor(running.socket().getParent(), "callback-1");
            assertThat(probe(true, callback)).as("uid 65534 connecting to the callback socket's directory")
                    .startsWith("refused: ").contains("Permission denied");
        }
    }

    @Test
    void aProcessPosingAsHyperdOnTheCallbackSocketIsDroppedAndHyperdsOwnEndpointUsed() throws Exception { // finding 15
        // hyperd, 1 s late (exec keeps its pid), so that the imposter surely connects first.
        Path lateHyperd = script("late-hyperd", "sleep " + TestTime.scaled(Duration.ofSeconds(1)).toMillis() / 1000.0
                + "\nexec '" + RealHyperd.binary() + "' \"$@\"");
        PgWireHyperdClientConfig config = PgWireHyperdClientConfig.defaults(dir);
        Path callback = config.runDir().resolve(Long.toString(ProcessHandle.current().pid())).resolve("callback-1");
        try (HyperdSupervisor supervisor = new HyperdSupervisor(lateHyperd, config, clock);
                ServerSocket fake = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<HyperdSupervisor.Running> start = CompletableFuture.supplyAsync(() -> {
                try {
                    return supervisor.running(clock.instant().plusSeconds(60));
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            await().atMost(TestTime.scaled(Duration.ofSeconds(10))).pollInterval(Duration.ofMillis(2))
                    .until(() -> Files.exists(callback));
            try (SocketChannel imposter = SocketChannel.open(UnixDomainSocketAddress.of(callback))) {
                byte[] forged = ("tab.tcp://127.0.0.1:" + fake.getLocalPort() + "\0").getBytes(StandardCharsets.US_ASCII);
                imposter.write(ByteBuffer.allocate(1 + forged.length).put((byte) forged.length).put(forged).flip());
                HyperdSupervisor.Running running = start.get(60, TimeUnit.SECONDS);
                assertThat(running.descriptor()).isEqualTo(HyperdLaunch.descriptor(callback.getParent(), ".s.PGSQL.1"));
                assertThat(running.socket()).isEqualTo(callback.resolveSibling(".s.PGSQL.1"));
                assertThat(hungUp(imposter)).as("the supervisor hung up on the imposter").isTrue();
            }
            assertThat(probe(false, running(supervisor).descriptor())).isEqualTo("row: 1");
        }
    }

    @Test
    void aCallbackNamingAnotherEndpointThanTheOneAskedForFailsTheStart() throws Exception { // review finding 15
        Path java = Path.of(ProcessHandle.current().info().command().orElseThrow());
        Path classes = Path.of(FakeHyperdMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path fakeHyperd = script("fake-hyperd", "FAKE_HYPERD_PORT=4711 exec '" + java + "' -cp '" + classes + "' "
                + FakeHyperdMain.class.getName() + " \"$@\"");
        try (HyperdSupervisor supervisor = new HyperdSupervisor(fakeHyperd, PgWireHyperdClientConfig.defaults(dir), clock)) {
            assertThatThrownBy(() -> supervisor.running(clock.instant().plusSeconds(30)))
                    .isInstanceOf(HyperdException.Unavailable.class)
                    .hasMessageContaining("tab.tcp://127.0.0.1:4711")
                    .hasMessageContaining("not the one it was told to listen on");
            assertThat(supervisor.runningNow()).isEmpty();
        }
    }

    /** Whether the peer closed {@code channel}: end of stream, or a reset (it closed without reading our bytes). */
    private static boolean hungUp(SocketChannel channel) {
        try {
            return channel.read(ByteBuffer.allocate(1)) < 0;
        } catch (IOException e) {
            return e.getMessage() != null && e.getMessage().contains("reset");
        }
    }

    private static HyperdSupervisor.Running running(HyperdSupervisor supervisor) {
        return supervisor.runningNow().orElseThrow();
    }

    private Path script(String name, String body) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
        return file;
    }

    private static int uid() throws Exception {
        return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    }

    /**
     * Runs {@link PgWireProbeMain} against {@code descriptor}, as uid 65534 when {@code asNobody}, from a copy of its
     * one class in a world-readable directory; returns the line it printed.
     */
    private static String probe(boolean asNobody, String descriptor) throws Exception {
        Path copy = Files.createTempDirectory("mcpd-probe-");
        try {
            Path packageDir = copy.resolve(PgWireProbeMain.class.getPackageName().replace('.', '/'));
            Files.createDirectories(packageDir);
            Path classFile = packageDir.resolve(PgWireProbeMain.class.getSimpleName() + ".class");
            try (var in = PgWireProbeMain.class.getResourceAsStream(PgWireProbeMain.class.getSimpleName() + ".class")) {
                Files.copy(in, classFile);
            }
            for (Path p = packageDir; !p.equals(copy.getParent()); p = p.getParent()) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
            Files.setPosixFilePermissions(classFile, PosixFilePermissions.fromString("rw-r--r--"));
            List<String> command = new ArrayList<>();
            if (asNobody) {
                command.addAll(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"));
            }
            command.addAll(List.of(ProcessHandle.current().info().command().orElseThrow(), "-XX:-UsePerfData",
                    "-cp", copy.toString(), PgWireProbeMain.class.getName(), descriptor));
            Process probe = new ProcessBuilder(command).directory(copy.toFile())
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String out = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            assertThat(probe.waitFor(30, TimeUnit.SECONDS)).isTrue();
            return out;
        } finally {
            try (var files = Files.walk(copy)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    @Test
    void restartsAtMostThreeTimesAMinuteThenReportsFailed() throws Exception {
        try (HyperdSupervisor supervisor = new HyperdSupervisor(RealHyperd.binary(), PgWireHyperdClientConfig.defaults(dir), clock)) {
            long pid = supervisor.running(clock.instant().plusSeconds(30)).process().pid();
            for (int restart = 1; restart <= RestartPolicy.MAX_RESTARTS; restart++) {
                PgWireHyperdClientTest.signal("KILL", pid);
                long killed = pid;
                await().atMost(TestTime.scaled(Duration.ofSeconds(15))).until(() -> supervisor.runningNow()
                        .map(r -> r.process().pid() != killed).orElse(false));
                pid = supervisor.runningNow().orElseThrow().process().pid();
                assertThat(supervisor.health().restarts()).isEqualTo(restart);
            }
            PgWireHyperdClientTest.signal("KILL", pid);
            await().atMost(TestTime.scaled(Duration.ofSeconds(5))).until(() -> supervisor.health().state() == HyperdState.FAILED);
            assertThat(supervisor.health().lastError()).contains("exited with code");
            assertThatThrownBy(() -> supervisor.running(clock.instant().plusSeconds(5)))
                    .isInstanceOf(HyperdException.Unavailable.class).hasMessageContaining("not restarting");
            assertThat(supervisor.runningNow()).isEmpty();
        }
    }
}
