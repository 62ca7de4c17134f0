package dev.mcpd.adapter.secondary.state;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpd.domain.model.DaemonRecord;
import dev.mcpd.domain.model.Endpoint;
import dev.mcpd.domain.model.Pid;
import dev.mcpd.domain.model.TransportKind;
import dev.mcpd.domain.port.StateDirectory.ScopeLock;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link FileStateDirectory} on a real file system, with a second JVM contending for the lock (B-S1, B-S2, B-S6). */
class FileStateDirectoryTest {

    @TempDir
    Path dir;

    private Path root;
    private FileStateDirectory state;

    @BeforeEach
    void create() throws IOException {
        root = dir.resolve("run").resolve("mcpd");
        state = new FileStateDirectory(root);
        state.prepare();
    }

    @Test
    void prepareCreatesTheDirectoryPrivateToItsUser() throws IOException {
        assertThat(root).isDirectory();
        assertThat(Files.getPosixFilePermissions(root)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
    }

    @Test
    void prepareTightensAnExistingDirectoryAndIsIdempotent() throws IOException {
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
        state.prepare();
        state.prepare();
        assertThat(Files.getPosixFilePermissions(root)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
    }

    @Test
    void thePathsLieInTheRoot() {
        assertThat(state.root()).isEqualTo(root.toAbsolutePath());
        assertThat(state.socketPath()).isEqualTo(root.resolve("daemon.sock"));
        assertThat(state.logPath()).isEqualTo(root.resolve("daemon.log"));
    }

    // --- the scope lock (B-S1) ----------------------------------------------------------------------------------

    @Test
    void aLockHeldByAnotherProcessCannotBeTakenUntilItGoes() throws Exception {
        Process holder = lockProbe("hold");
        try {
            assertThat(firstLine(holder)).isEqualTo("locked");
            assertThat(state.tryLock()).isEmpty();
        } finally {
            holder.getOutputStream().close(); // the holder exits and the OS releases its lock
            assertThat(holder.waitFor(10, TimeUnit.SECONDS)).isTrue();
        }
        Optional<ScopeLock> lock = state.tryLock();
        assertThat(lock).isPresent();
        lock.get().close();
    }

    @Test
    void aLockHeldByThisProcessKeepsOthersOut() throws Exception {
        try (ScopeLock lock = state.tryLock().orElseThrow()) {
            assertThat(tryInAnotherProcess()).isEqualTo("busy");
        }
        assertThat(tryInAnotherProcess()).isEqualTo("locked");
    }

    @Test
    void aSecondAttemptInTheSameJvmFails() throws Exception {
        try (ScopeLock lock = state.tryLock().orElseThrow()) {
            assertThat(state.tryLock()).isEmpty();
            assertThat(new FileStateDirectory(root).tryLock()).as("another instance on the same dir").isEmpty();
        }
        Optional<ScopeLock> again = state.tryLock();
        assertThat(again).as("released by close").isPresent();
        again.get().close();
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void tellsWhoHoldsTheLockWithoutTakingIt() throws Exception { // B-S3
        assertThat(state.lockHolder()).as("no lock file yet").isEmpty();
        try (ScopeLock lock = state.tryLock().orElseThrow()) {
            assertThat(state.lockHolder()).contains(ProcessHandle.current().pid());
            assertThat(state.lockHolder()).as("asking does not take it").contains(ProcessHandle.current().pid());
        }
        assertThat(state.lockHolder()).as("released").isEmpty();
        assertThat(tryInAnotherProcess()).isEqualTo("locked");
    }

    /**
     * POSIX record locks belong to the process, and closing any channel on the file drops them all (see
     * {@link java.nio.channels.FileLock}): a failed second attempt in the lock holder's JVM must not release the lock.
     */
    @Test
    void aFailedSecondAttemptInTheSameJvmLeavesTheFirstLockHeld() throws Exception {
        try (ScopeLock lock = state.tryLock().orElseThrow()) {
            assertThat(state.tryLock()).isEmpty();
            assertThat(tryInAnotherProcess()).isEqualTo("busy");
        }
    }

    private Process lockProbe(String mode) throws IOException {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        return new ProcessBuilder(java, "-Xshare:auto", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), LockProbeMain.class.getName(), root.toString(), mode)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
    }

    private String tryInAnotherProcess() throws Exception {
        Process probe = lockProbe("try");
        String line = firstLine(probe);
        assertThat(probe.waitFor(10, TimeUnit.SECONDS)).isTrue();
        return line;
    }

    private static String firstLine(Process process) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), UTF_8));
        return CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (IOException e) {
                return "<" + e + ">";
            }
        }).get(30, TimeUnit.SECONDS);
    }

    // --- the discovery record (B-S2) ----------------------------------------------------------------------------

    private static DaemonRecord record(long pid, String token) {
        return new DaemonRecord(new Pid(pid, Instant.parse("2026-01-02T03:04:05.678Z")), "0.1.0", "user:1000",
                List.of(new Endpoint(TransportKind.UNIX_SOCKET, "/run/user/1000/mcpd/daemon.sock"),
                        new Endpoint(TransportKind.TCP, "127.0.0.1:41234")),
                Instant.parse("2026-01-02T03:04:06Z"), token);
    }

    @Test
    void aRecordRoundTrips() throws IOException {
        DaemonRecord written = record(4242, "c2VjcmV0");
        state.writeRecord(written);
        assertThat(state.readRecord()).contains(written);
    }

    @Test
    void aRecordWithoutTokenOrStartInstantRoundTrips() throws IOException {
        DaemonRecord written = new DaemonRecord(Pid.unverified(7), "0.1.0", "project:/src/x",
                List.of(new Endpoint(TransportKind.UNIX_SOCKET, "/tmp/x.sock")), Instant.parse("2026-01-02T03:04:06Z"), null);
        state.writeRecord(written);
        assertThat(state.readRecord()).contains(written);
    }

    @Test
    void theRecordIsPrivateAndNoTempFileIsLeft() throws IOException {
        state.writeRecord(record(1, null));
        state.writeRecord(record(2, "t"));
        Path json = root.resolve("daemon.json");
        assertThat(Files.getPosixFilePermissions(json)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        try (Stream<Path> files = Files.list(root)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("daemon.json");
        }
        assertThat(state.readRecord().orElseThrow().pid().value()).isEqualTo(2);
    }

    @Test
    void aReaderNeverSeesAHalfWrittenRecord() throws Exception {
        state.writeRecord(record(1, null));
        AtomicBoolean writing = new AtomicBoolean(true);
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try {
                for (int i = 2; i < 300; i++) {
                    // Records of different lengths, so a torn write would show.
                    state.writeRecord(record(i, "x".repeat(i * 7)));
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            } finally {
                writing.set(false);
            }
        });
        List<Long> seen = new ArrayList<>();
        while (writing.get()) {
            Optional<DaemonRecord> read = state.readRecord();
            assertThat(read).as("a reader during a rewrite sees the old record or the new one, never none").isPresent();
            seen.add(read.get().pid().value());
            assertThat(read.get().token()).isIn(null, "x".repeat((int) read.get().pid().value() * 7));
        }
        writer.get(30, TimeUnit.SECONDS);
        assertThat(seen).isNotEmpty();
        assertThat(state.readRecord().orElseThrow().pid().value()).isEqualTo(299);
    }

    @Test
    void noRecordReadsAsEmpty() {
        assertThat(state.readRecord()).isEmpty();
    }

    @ParameterizedTest(name = "[{index}] <{0}>")
    @ValueSource(strings = {
        "",
        "{",
        "{\"pid\": 12, \"version\": \"0.1",
        "garbage \u0000\u0001\u00ff",
        "[]",
        "null",
        "{\"pid\":12,\"version\":\"0.1.0\",\"scope\":\"s\",\"endpoints\":[]}",
        "{\"pid\":0,\"version\":\"0.1.0\",\"scope\":\"s\",\"endpoints\":[],\"startedAt\":\"2026-01-02T03:04:06Z\"}",
        "{\"pid\":12,\"version\":\"0.1.0\",\"scope\":\"s\",\"endpoints\":[\"ftp://x\"],\"startedAt\":\"2026-01-02T03:04:06Z\"}",
        "{\"pid\":12,\"processStartedAt\":\"yesterday\",\"version\":\"0.1.0\",\"scope\":\"s\",\"endpoints\":[],\"startedAt\":\"2026-01-02T03:04:06Z\"}",
    })
    void aTornOrForeignRecordReadsAsEmpty(String content) throws IOException {
        Files.writeString(root.resolve("daemon.json"), content);
        assertThat(state.readRecord()).isEmpty();
    }

    @Test
    void removeRecordAndSocketRemovesBothAndIsQuietWhenNothingIsThere() throws IOException {
        state.writeRecord(record(1, null));
        try (ServerSocketChannel socket = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            socket.bind(UnixDomainSocketAddress.of(state.socketPath()));
        }
        assertThat(state.socketPath()).exists();

        state.removeRecordAndSocket();
        assertThat(root.resolve("daemon.json")).doesNotExist();
        assertThat(state.socketPath()).doesNotExist();
        state.removeRecordAndSocket();
    }

    // --- where the state dir is (B-S6) --------------------------------------------------------------------------

    @Test
    void defaultRootIsUnderAnExistingXdgRuntimeDir() {
        assertThat(FileStateDirectory.defaultRoot(dir.toString())).isEqualTo(dir.resolve("mcpd"));
    }

    @ParameterizedTest(name = "[{index}] <{0}>")
    @ValueSource(strings = {"", "   ", "/nonexistent/run/user/1000"})
    void defaultRootFallsBackToTheUsersHome(String xdgRuntimeDir) {
        Path home = Path.of(System.getProperty("user.home"), ".mcpd", "run");
        assertThat(FileStateDirectory.defaultRoot(xdgRuntimeDir)).isEqualTo(home);
        assertThat(FileStateDirectory.defaultRoot(null)).isEqualTo(home);
    }

    @Test
    void defaultRootIgnoresAnXdgRuntimeDirThatIsAFile() throws IOException {
        Path file = Files.writeString(dir.resolve("not-a-dir"), "");
        assertThat(FileStateDirectory.defaultRoot(file.toString()))
                .isEqualTo(Path.of(System.getProperty("user.home"), ".mcpd", "run"));
    }
}
