package dev.mcpd.adapter.secondary.state;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcpd.domain.model.DaemonRecord;
import dev.mcpd.domain.model.Endpoint;
import dev.mcpd.domain.model.Pid;
import dev.mcpd.domain.model.TransportKind;
import dev.mcpd.domain.port.StateDirectory;
import dev.mcpd.domain.port.StateDirectory.ScopeLock;
import dev.mcpd.testing.state.StateDirectoryContract;
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
import org.junit.jupiter.api.Nested;
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

    /** The port's contract, which the in-memory fake passes too. */
    @Nested
    class Contract extends StateDirectoryContract {

        @Override
        protected StateDirectory newStateDirectory() {
            return new FileStateDirectory(dir.resolve("contract"));
        }

        @Override
        protected void breakIntegrity(StateDirectory state) throws IOException {
            Files.delete(state.root().resolve("daemon.lock"));
        }
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

    // --- removing the record only if still ours (review finding 22) -----------------------------------------------

    @Test
    void removeRecordIfOwnedByRemovesOurRecordAndLeavesNoTempFile() throws IOException {
        state.writeRecord(record(1, null));

        assertThat(state.removeRecordIfOwnedBy(record(1, null).pid())).isTrue();

        assertThat(root.resolve("daemon.json")).doesNotExist();
        try (Stream<Path> files = Files.list(root)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("daemon.json"));
        }
    }

    @Test
    void removeRecordIfOwnedByLeavesAnotherDaemonsRecordInPlace() throws IOException { // B-S2, B-S5
        DaemonRecord other = record(2, null);
        state.writeRecord(other);

        assertThat(state.removeRecordIfOwnedBy(record(1, null).pid())).isFalse();

        assertThat(state.readRecord()).contains(other);
        try (Stream<Path> files = Files.list(root)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".removing"));
        }
        assertThat(state.removeRecordIfOwnedBy(record(1, null).pid())).as("and again").isFalse();
        assertThat(state.readRecord()).contains(other);
    }

    @Test
    void removeRecordIfOwnedByWithNoRecordIsQuiet() {
        assertThat(state.removeRecordIfOwnedBy(record(1, null).pid())).isFalse();
        assertThat(root.resolve("daemon.json")).doesNotExist();
    }

    @Test
    void aRecordAnotherDaemonKeepsRewritingIsNeverRemovedByUs() throws Exception { // the TOCTOU of review finding 22
        DaemonRecord other = record(2, null);
        state.writeRecord(other);
        AtomicBoolean stop = new AtomicBoolean();
        FileStateDirectory otherDaemon = new FileStateDirectory(root);
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            while (!stop.get()) {
                try {
                    otherDaemon.writeRecord(other);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        });
        try {
            for (int i = 0; i < 500; i++) {
                assertThat(state.removeRecordIfOwnedBy(record(1, null).pid())).isFalse();
            }
        } finally {
            stop.set(true);
            writer.get(10, TimeUnit.SECONDS);
        }
        assertThat(state.readRecord()).contains(other);
    }

    @Test
    void aNewDaemonsRecordWrittenWhileTheOldOneShutsDownIsNeverRemoved() throws Exception { // review finding 22
        // The old daemon lost its endpoint and shuts down while a new one starts: the new one removes the stale
        // record and writes its own (B-S3) at the very moment the old one removes "its" record.
        DaemonRecord old = record(1, null);
        DaemonRecord fresh = record(2, null);
        FileStateDirectory newDaemon = new FileStateDirectory(root);
        int lost = 0;
        for (int i = 0; i < 300; i++) {
            state.writeRecord(old);
            java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(2);
            CompletableFuture<Void> starting = CompletableFuture.runAsync(() -> {
                try {
                    together.await();
                    newDaemon.removeRecordAndSocket();
                    newDaemon.writeRecord(fresh);
                } catch (Exception e) {
                    throw new java.util.concurrent.CompletionException(e);
                }
            });
            together.await();
            state.removeRecordIfOwnedBy(old.pid());
            starting.get(10, TimeUnit.SECONDS);
            lost += state.readRecord().filter(fresh::equals).isPresent() ? 0 : 1;
        }
        assertThat(lost).as("rounds in which the new daemon's record was removed by the old one").isZero();
    }

    // --- the lock file's inode (review finding 22) --------------------------------------------------------------

    @Test
    void anIntactLockFileIsNoProblemAndNothingIsCheckedWithoutTheLock() throws IOException {
        assertThat(state.integrityProblem()).as("not holding the lock").isEmpty();
        try (ScopeLock lock = state.tryLock().orElseThrow()) {
            assertThat(state.integrityProblem()).isEmpty();
            assertThat(state.socketPath()).as("the socket is the transport's to check").doesNotExist();
        }
    }

    @Test
    void aRemovedLockFileIsReported() throws IOException { // B-L6
        try (ScopeLock lock = state.tryLock().orElseThrow()) {
            Files.delete(root.resolve("daemon.lock"));
            assertThat(state.integrityProblem()).hasValueSatisfying(p -> assertThat(p).contains("daemon.lock was removed"));
        }
    }

    @Test
    void aLockFileReCreatedAsAnotherInodeIsReported() throws IOException { // review finding 22
        try (ScopeLock lock = state.tryLock().orElseThrow()) {
            Files.delete(root.resolve("daemon.lock"));
            Files.createFile(root.resolve("daemon.lock"));
            assertThat(state.integrityProblem()).hasValueSatisfying(p -> assertThat(p).contains("replaced"));
        }
    }

    // --- state dir hygiene (review finding 22) ------------------------------------------------------------------

    @Test
    void aSymbolicLinkAsStateDirIsRefusedAndNotFollowed() throws IOException {
        Path target = Files.createDirectories(dir.resolve("elsewhere"));
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path link = Files.createSymbolicLink(dir.resolve("link"), target);

        assertThatThrownBy(() -> new FileStateDirectory(link).prepare()).isInstanceOf(IOException.class)
                .hasMessageContaining(link.toString()).hasMessageContaining("symbolic link")
                .hasMessageContaining("MCPD_STATE_DIR");
        assertThat(Files.getPosixFilePermissions(target)).as("untouched").isEqualTo(PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @Test
    void aStateDirWritableByOthersIsRefused() throws IOException {
        Path shared = Files.createDirectories(dir.resolve("shared"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));

        assertThatThrownBy(() -> new FileStateDirectory(shared).prepare()).isInstanceOf(IOException.class)
                .hasMessageContaining(shared.toString()).hasMessageContaining("writable by other users")
                .hasMessageContaining("chmod 700");
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwx---"));
        assertThatThrownBy(() -> new FileStateDirectory(shared).prepare()).as("group-writable")
                .hasMessageContaining("writable by other users");
    }

    @Test
    void aStateDirThatIsAFileIsRefused() throws IOException {
        Path file = Files.writeString(dir.resolve("file"), "");
        assertThatThrownBy(() -> new FileStateDirectory(file).prepare()).hasMessageContaining("not a directory");
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void aStateDirOwnedByAnotherUserIsRefused() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(FileStateDirectory.currentUid() == 0,
                "only root can make a directory of another uid");
        Path foreign = Files.createDirectories(dir.resolve("foreign"));
        Files.setPosixFilePermissions(foreign, PosixFilePermissions.fromString("rwx------"));
        Files.setAttribute(foreign, "unix:uid", 65534);

        assertThatThrownBy(() -> new FileStateDirectory(foreign).prepare()).isInstanceOf(IOException.class)
                .hasMessageContaining("owned by uid 65534").hasMessageContaining("MCPD_STATE_DIR");
    }

    // --- where the state dir is (B-S6; the same under every host) ----------------------------------------------------

    @Test
    void defaultRootIsUnderTheUsersRunUserDirWhenItExistsAndIsTheirs() throws IOException {
        long uid = FileStateDirectory.currentUid();
        Path runUser = Files.createDirectories(dir.resolve("run-user"));
        Files.createDirectories(runUser.resolve(Long.toString(uid)));

        assertThat(FileStateDirectory.defaultRoot(runUser, uid, "/home/someone"))
                .isEqualTo(runUser.resolve(Long.toString(uid)).resolve("mcpd"));
    }

    @Test
    void defaultRootFallsBackToTheAccountsHomeWithoutARunUserDir() {
        long uid = FileStateDirectory.currentUid();
        assertThat(FileStateDirectory.defaultRoot(dir.resolve("no-run-user"), uid, "/home/someone"))
                .isEqualTo(Path.of("/home/someone", ".mcpd", "run"));
        assertThat(FileStateDirectory.defaultRoot(dir, -1, "/home/someone")).as("uid unknown")
                .isEqualTo(Path.of("/home/someone", ".mcpd", "run"));
    }

    @Test
    void defaultRootIgnoresARunUserEntryThatIsAFileOrALink() throws IOException {
        long uid = FileStateDirectory.currentUid();
        Path runUser = Files.createDirectories(dir.resolve("run-user"));
        Files.writeString(runUser.resolve(Long.toString(uid)), "");
        assertThat(FileStateDirectory.defaultRoot(runUser, uid, "/h")).isEqualTo(Path.of("/h", ".mcpd", "run"));

        Path other = Files.createDirectories(dir.resolve("run-user-2"));
        Files.createSymbolicLink(other.resolve(Long.toString(uid)), dir);
        assertThat(FileStateDirectory.defaultRoot(other, uid, "/h")).isEqualTo(Path.of("/h", ".mcpd", "run"));
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void defaultRootIgnoresARunUserDirOfAnotherUid() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(FileStateDirectory.currentUid() == 0, "only root can chown");
        Path runUser = Files.createDirectories(dir.resolve("run-user"));
        Path theirs = Files.createDirectories(runUser.resolve("0"));
        Files.setAttribute(theirs, "unix:uid", 65534);
        assertThat(FileStateDirectory.defaultRoot(runUser, 0, "/h")).isEqualTo(Path.of("/h", ".mcpd", "run"));
    }

    @Test
    void theDefaultRootIsTheSameUnderEveryHostsEnvironment() throws Exception { // Codex forwards no XDG_RUNTIME_DIR
        Path fakeRuntime = Files.createDirectories(dir.resolve("xdg"));
        String claudeLike = defaultRootIn(java.util.Map.of("PATH", System.getenv("PATH"), "HOME", dir.toString(),
                "XDG_RUNTIME_DIR", fakeRuntime.toString()));
        String codexLike = defaultRootIn(java.util.Map.of("PATH", System.getenv("PATH")));

        assertThat(claudeLike).isEqualTo(codexLike).doesNotContain(dir.toString());
        assertThat(Path.of(claudeLike)).isEqualTo(FileStateDirectory.defaultRoot());
    }

    /** {@link FileStateDirectory#defaultRoot()} in a JVM started with exactly {@code env}. */
    private static String defaultRootIn(java.util.Map<String, String> env) throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        ProcessBuilder builder = new ProcessBuilder(java, "-Xshare:auto", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), DefaultRootMain.class.getName())
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.environment().clear();
        builder.environment().putAll(env);
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), UTF_8).trim();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isZero();
        return out;
    }
}
