package dev.mcpd.adapter.primary.namedpipe;

import static dev.mcpd.adapter.primary.namedpipe.PipeIo.async;
import static dev.mcpd.adapter.primary.namedpipe.PipeIo.readLine;
import static dev.mcpd.adapter.primary.namedpipe.PipeIo.writeLine;
import static dev.mcpd.domain.testing.TestTime.millis;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The Win32 named pipe semantics that mcpd's pipe code relies on ({@link PipeApi} invariants 1-6). It runs against
 * the fake everywhere ({@code InMemoryPipeApiTest}) and against {@link Kernel32PipeApi} on Windows
 * ({@code Kernel32PipeApiWindowsTest}): there it checks that the fake tells the truth about Windows.
 */
abstract class PipeApiContract {

    private final List<Runnable> cleanup = new ArrayList<>();

    /** The daemon's process view. */
    protected abstract PipeApi server();

    /** A proxy's process view (the same machine). */
    protected abstract PipeApi client();

    /** The pid {@link #server()} sees for a client opened through {@link #client()}. */
    protected abstract long clientPid();

    protected final String name = PipeName.PREFIX + "mcpd-contract-" + UUID.randomUUID();

    @AfterEach
    void closeEverything() {
        cleanup.reversed().forEach(Runnable::run);
    }

    private PipeHandle instance(boolean first) throws Exception {
        PipeHandle handle = server().createInstance(name, first);
        cleanup.add(() -> server().closeHandle(handle));
        return handle;
    }

    private PipeHandle openClient() throws Exception {
        PipeHandle handle = client().openClient(name);
        cleanup.add(() -> client().closeHandle(handle));
        return handle;
    }

    /** A connected pair: [server end, client end]. */
    private PipeHandle[] connectedPair(boolean first) throws Exception {
        PipeHandle server = instance(first);
        CompletableFuture<Void> accepted = async(() -> {
            server().awaitClient(server);
            return null;
        });
        PipeHandle client = openClient();
        accepted.get(5, TimeUnit.SECONDS);
        return new PipeHandle[] {server, client};
    }

    @Test
    void theFirstInstanceFlagRefusesANameThatExists() throws Exception {
        instance(true);
        // B-T2: a second daemon or a squatter cannot take over a name that is in use
        assertThatThrownBy(() -> server().createInstance(name, true)).isInstanceOf(PipeNameTakenException.class)
                .hasMessageContaining("ERROR_ACCESS_DENIED");
        PipeHandle second = server().createInstance(name, false);
        cleanup.add(() -> server().closeHandle(second));
    }

    @Test
    void aClientOfAMissingPipeIsToldItDoesNotExist() {
        assertThatThrownBy(() -> client().openClient(name)).isInstanceOf(NoSuchFileException.class);
        assertThatThrownBy(() -> client().waitForInstance(name, millis(100))).isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void aPipeWithNoWaitingInstanceIsBusyUntilTheServerCreatesOne() throws Exception {
        connectedPair(true);
        assertThatThrownBy(() -> client().openClient(name)).isInstanceOf(PipeBusyException.class);
        assertThat(client().waitForInstance(name, Duration.ofMillis(50))).isFalse();

        CompletableFuture<Boolean> waited = async(() -> client().waitForInstance(name, Duration.ofSeconds(5)));
        instance(false);
        assertThat(waited.get(millis(1000).toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        openClient();
    }

    @Test
    void aClientThatConnectedBeforeTheServerWaitedIsConnected() throws Exception {
        PipeHandle server = instance(true);
        PipeHandle client = openClient();
        server().awaitClient(server); // ERROR_PIPE_CONNECTED counts as success
        writeLine(client(), client, "early");
        assertThat(readLine(server(), server)).isEqualTo("early");
    }

    @Test
    void theServerSeesTheClientsProcessId() throws Exception {
        PipeHandle[] pair = connectedPair(true);
        // B-L2: from the kernel, not from anything the client sent
        assertThat(server().clientProcessId(pair[0])).isEqualTo(clientPid());
    }

    @Test
    void aBlockedReadDoesNotDelayAWriteOnTheSameHandle() throws Exception {
        PipeHandle[] pair = connectedPair(true);
        CompletableFuture<String> serverRead = async(() -> readLine(server(), pair[0]));
        await().during(millis(50)).atMost(millis(1000)).until(() -> !serverRead.isDone());

        CompletableFuture<Void> serverWrite = async(() -> {
            writeLine(server(), pair[0], "response");
            return null;
        });
        serverWrite.get(millis(1000).toMillis(), TimeUnit.MILLISECONDS);
        assertThat(readLine(client(), pair[1])).isEqualTo("response");

        writeLine(client(), pair[1], "request");
        assertThat(serverRead.get(millis(1000).toMillis(), TimeUnit.MILLISECONDS)).isEqualTo("request");
    }

    @Test
    void bytesWrittenBeforeACloseAreStillReadThenEndOfStream() throws Exception {
        PipeHandle[] pair = connectedPair(true);
        writeLine(server(), pair[0], "last words");
        server().closeHandle(pair[0]);
        cleanup.removeFirst();
        // B-C1: the server closed without waiting, and the client loses nothing
        assertThat(readLine(client(), pair[1])).isEqualTo("last words");
        assertThat(client().read(pair[1], new byte[8], 0, 8)).isEqualTo(-1);
    }

    @Test
    void aWriteToAClosedPeerIsABrokenPipe() throws Exception {
        PipeHandle[] pair = connectedPair(true);
        client().closeHandle(pair[1]);
        cleanup.removeLast();
        assertThatThrownBy(() -> writeLine(server(), pair[0], "anyone?"))
                .isInstanceOfSatisfying(PipeException.class, e -> assertThat(e.isBrokenPipe()).isTrue());
        assertThat(server().read(pair[0], new byte[8], 0, 8)).isEqualTo(-1);
    }

    @Test
    void aWriteBlocksWhileThePipeIsFullAndGoesOnWhenTheReaderDrains() throws Exception {
        PipeHandle[] pair = connectedPair(true);
        byte[] flood = new byte[4 * 1024 * 1024];
        CompletableFuture<Void> written = async(() -> {
            server().write(pair[0], flood, 0, flood.length);
            return null;
        });
        await().during(millis(100)).atMost(millis(1000)).until(() -> !written.isDone());
        long drained = 0;
        byte[] chunk = new byte[64 * 1024];
        while (drained < flood.length) {
            drained += client().read(pair[1], chunk, 0, chunk.length);
        }
        written.get(millis(1000).toMillis(), TimeUnit.MILLISECONDS);
    }

    @Test
    void cancelIoUnblocksABlockedReadAndConnect() throws Exception {
        PipeHandle waiting = instance(true);
        CompletableFuture<Void> connect = async(() -> {
            server().awaitClient(waiting);
            return null;
        });
        await().during(millis(50)).atMost(millis(1000)).until(() -> !connect.isDone());
        server().cancelIo(waiting);
        assertCancelled(connect);
        server().closeHandle(waiting); // else the next client would connect to this instance, still waiting
        cleanup.removeFirst();

        PipeHandle[] pair = connectedPair(true);
        CompletableFuture<Integer> read = async(() -> server().read(pair[0], new byte[8], 0, 8));
        await().during(millis(50)).atMost(millis(1000)).until(() -> !read.isDone());
        server().cancelIo(pair[0]);
        assertCancelled(read);
    }

    @Test
    void theNameIsReleasedWhenEveryEndOfEveryInstanceIsClosed() throws Exception {
        PipeHandle[] pair = connectedPair(true);
        server().closeHandle(pair[0]);
        cleanup.removeFirst();
        // the client's end still holds the name: a new daemon cannot create a first instance yet
        assertThatThrownBy(() -> server().createInstance(name, true)).isInstanceOf(PipeNameTakenException.class);
        client().closeHandle(pair[1]);
        cleanup.removeLast();
        assertThatThrownBy(() -> client().openClient(name)).isInstanceOf(NoSuchFileException.class);
        instance(true);
    }

    private static void assertCancelled(CompletableFuture<?> call) {
        assertThatThrownBy(() -> call.get(millis(1000).toMillis(), TimeUnit.MILLISECONDS))
                .isInstanceOf(ExecutionException.class).cause()
                .isInstanceOfSatisfying(PipeException.class, e -> assertThat(e.isCancelled()).isTrue());
    }
}
