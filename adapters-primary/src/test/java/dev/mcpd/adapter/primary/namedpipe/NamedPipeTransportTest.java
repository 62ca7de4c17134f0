package dev.mcpd.adapter.primary.namedpipe;

import static dev.mcpd.domain.testing.TestTime.millis;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.mcpd.domain.contract.TransportContract;
import dev.mcpd.domain.model.Endpoint;
import dev.mcpd.domain.model.PeerCredentials;
import dev.mcpd.domain.model.TransportKind;
import dev.mcpd.domain.port.Connection;
import dev.mcpd.domain.port.Transport;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@link NamedPipeTransport} against the transport contract (B-T1) and its own invariants, on the in-memory fake
 * {@link InMemoryPipeApi}: the fake stands in for Windows because this machine has none. The same contract runs
 * against the real {@code kernel32.dll} calls in {@code Kernel32NamedPipeTransportTest}, on Windows only; and
 * {@code PipeApiContract} holds the fake to Windows' behaviour there.
 *
 * <p>Daemon and proxies are different process views of one fake machine, so the pid the transport reports is the
 * proxy's ({@value #PROXY_PID}), not this JVM's.
 */
@DisplayName("NamedPipeTransport on the in-memory pipe fake (stands in for Windows, which this machine lacks)")
class NamedPipeTransportTest extends TransportContract {

    static final long PROXY_PID = 4242;

    private final InMemoryPipeApi daemonApi = new InMemoryPipeApi();
    private final InMemoryPipeApi proxyApi = daemonApi.process(PROXY_PID);
    private final NamedPipeConnector connector = new NamedPipeConnector(proxyApi, millis(300));

    private String pipeName() {
        return PipeName.forStateDir(dir, "tester");
    }

    @Override
    protected Transport newTransport(Path dir) {
        return new NamedPipeTransport(daemonApi, PipeName.forStateDir(dir, "tester"));
    }

    @Override
    protected java.util.List<String> pooledThreadPrefixes() {
        return java.util.List.of("pipe-io-"); // the blocking-call pool, PipeChannel.PLATFORM_THREADS; idle ones expire
    }

    @Override
    protected Peer connect(Endpoint endpoint) throws IOException {
        Connection connection = connector.connect(endpoint);
        return new Peer(connection.input(), connection.output(), connection::close);
    }

    @AfterEach
    void everyHandleIsClosedAndNoneWasMisused() {
        transport.close();
        // PipeChannel invariant 3: no CloseHandle under a call, none twice, no call on a closed handle
        await().atMost(millis(2000)).until(() -> daemonApi.kernel().openHandles() == 0);
        assertThat(daemonApi.kernel().violations()).isEmpty();
    }

    @Test
    void reportsTheNamedPipeKindAndItsName() throws Exception {
        Endpoint endpoint = transport.start(TransportContract::echoLines);
        assertThat(transport.kind()).isEqualTo(TransportKind.NAMED_PIPE);
        assertThat(endpoint).isEqualTo(new Endpoint(TransportKind.NAMED_PIPE, pipeName()));
        assertThat(endpoint.toString()).startsWith("pipe://\\\\.\\pipe\\mcpd-tester-");
        assertThat(Endpoint.parse(endpoint.toString())).isEqualTo(endpoint);
    }

    @Test
    void startingTwiceIsRefused() throws Exception {
        transport.start(TransportContract::echoLines);
        assertThatThrownBy(() -> transport.start(TransportContract::echoLines)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aSecondDaemonCannotTakeTheNameOfARunningOne() throws Exception {
        Endpoint endpoint = transport.start(TransportContract::echoLines);
        NamedPipeTransport second = new NamedPipeTransport(daemonApi.process(777), pipeName());
        // B-T2: the first-instance flag refuses, and the running daemon keeps serving
        assertThatThrownBy(() -> second.start(TransportContract::echoLines)).isInstanceOf(PipeNameTakenException.class)
                .hasMessageContaining(pipeName());
        assertThat(connectsAndIsServed(endpoint)).isTrue();
        second.close();
    }

    @Test
    void aDaemonRefusesANameASquatterCreatedFirst() throws Exception {
        InMemoryPipeApi squatter = daemonApi.process(666);
        PipeHandle squatted = squatter.createInstance(pipeName(), true);
        try {
            // B-T2: proxies connecting to this name would talk to the squatter; the daemon must not pretend to serve
            assertThatThrownBy(() -> transport.start(TransportContract::echoLines))
                    .isInstanceOf(PipeNameTakenException.class);
            assertThat(daemonApi.kernel().openHandles()).as("only the squatter's handle").isEqualTo(1);
        } finally {
            squatter.closeHandle(squatted);
        }
    }

    @Test
    void aNameStillHeldByThePreviousDaemonsClientsIsClaimedOnceTheyLetGo() throws Exception {
        InMemoryPipeApi previous = daemonApi.process(555);
        PipeHandle held = previous.createInstance(pipeName(), true);
        Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(300);
                previous.closeHandle(held); // the old daemon's last proxy noticed and let go
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        try (NamedPipeTransport patient = new NamedPipeTransport(daemonApi, pipeName(), java.time.Duration.ofSeconds(5))) {
            long started = System.nanoTime();
            Endpoint endpoint = patient.start(TransportContract::echoLines);
            assertThat(java.time.Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(
                    java.time.Duration.ofMillis(250));
            assertThat(connectsAndIsServed(endpoint)).isTrue();
        }
    }

    @Test
    void aNameHeldLongerThanTheClaimWindowIsRefusedWhenTheWindowEnds() throws Exception {
        InMemoryPipeApi squatter = daemonApi.process(666);
        PipeHandle squatted = squatter.createInstance(pipeName(), true);
        try (NamedPipeTransport patient = new NamedPipeTransport(daemonApi, pipeName(), java.time.Duration.ofMillis(300))) {
            long started = System.nanoTime();
            assertThatThrownBy(() -> patient.start(TransportContract::echoLines)).isInstanceOf(PipeNameTakenException.class);
            assertThat(java.time.Duration.ofNanos(System.nanoTime() - started)).isBetween(
                    java.time.Duration.ofMillis(200), millis(2000));
        } finally {
            squatter.closeHandle(squatted);
        }
    }

    @Test
    void exactlyOneInstanceWaitsForTheNextClientAndTheNameNeverLapses() throws Exception {
        Endpoint endpoint = transport.start(TransportContract::echoLines);
        AtomicBoolean watching = new AtomicBoolean(true);
        AtomicInteger lapses = new AtomicInteger();
        Thread watcher = Thread.ofPlatform().start(() -> {
            while (watching.get()) {
                if (!daemonApi.kernel().exists(pipeName())) {
                    lapses.incrementAndGet();
                }
                Thread.onSpinWait();
            }
        });
        InMemoryPipeApi squatter = daemonApi.process(666);
        List<Peer> peers = new ArrayList<>();
        try {
            for (int i = 1; i <= 6; i++) {
                peers.add(connect(endpoint));
                int connected = i;
                await().atMost(millis(1000)).until(() -> transport.openConnections() == connected
                        && daemonApi.kernel().waitingInstances(pipeName()) == 1);
                // B-T2: between clients the name stays the daemon's, so a squatter never gets a first instance
                assertThatThrownBy(() -> squatter.createInstance(pipeName(), true))
                        .isInstanceOf(PipeNameTakenException.class);
            }
        } finally {
            watching.set(false);
            watcher.join();
            for (Peer peer : peers) {
                peer.close();
            }
        }
        assertThat(lapses.get()).as("moments the pipe name did not exist while the daemon ran").isZero();
    }

    @Test
    void thePeerPidComesFromTheKernelNotFromTheClient() throws Exception {
        BlockingQueue<PeerCredentials> seen = new LinkedBlockingQueue<>();
        Endpoint endpoint = transport.start(connection -> {
            seen.add(connection.peer());
            echoLines(connection);
        });
        try (Peer ignored = connect(endpoint)) {
            PeerCredentials credentials = seen.poll(5, TimeUnit.SECONDS);
            // B-L2: the client sent nothing, yet the daemon knows its pid (GetNamedPipeClientProcessId)
            assertThat(credentials).isNotNull();
            assertThat(credentials.pid()).isEqualTo(PROXY_PID);
            assertThat(credentials.hasUid()).as("Windows has no uid; the pipe's DACL decides who may connect").isFalse();
        }
    }

    @Test
    void requestForcefulStopUnblocksHandlersBlockedReadingAndWriting() throws Exception {
        byte[] big = new byte[1024 * 1024];
        CompletableFuture<String> reader = new CompletableFuture<>();
        CompletableFuture<String> writer = new CompletableFuture<>();
        AtomicInteger accepted = new AtomicInteger();
        Endpoint endpoint = transport.start(connection -> {
            CompletableFuture<String> outcome = accepted.getAndIncrement() == 0 ? reader : writer;
            try {
                if (outcome == reader) {
                    outcome.complete(connection.input().read() < 0 ? "eof" : "byte");
                } else {
                    connection.output().write(big); // the peer never reads: blocked on a full pipe
                    connection.output().flush();
                    outcome.complete("written");
                }
            } catch (IOException e) {
                outcome.complete("threw");
            }
        });
        try (Peer first = connect(endpoint); Peer second = connect(endpoint)) {
            await().during(millis(100)).atMost(millis(1000)).until(() -> !reader.isDone() && !writer.isDone());
            long started = System.nanoTime();
            transport.requestForcefulStop();
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(millis(100));
            // B-C1, Connection invariant 2: CancelIoEx reaches the blocked calls at once
            assertThat(reader.get(millis(1000).toMillis(), TimeUnit.MILLISECONDS)).isIn("eof", "threw");
            assertThat(writer.get(millis(1000).toMillis(), TimeUnit.MILLISECONDS)).isEqualTo("threw");
            await().atMost(millis(1000)).until(() -> transport.openConnections() == 0);
        }
    }

    @Test
    void afterAStopTheNameIsBusyWhileConnectionsLiveAndReleasedWithTheLast() throws Exception {
        CountDownLatch ended = new CountDownLatch(1);
        Endpoint endpoint = transport.start(connection -> {
            echoLines(connection);
            ended.countDown();
        });
        Peer live = connect(endpoint);
        live.send("hi");
        assertThat(live.reader().readLine()).isEqualTo("hi");
        transport.requestStop();
        // The cancelled ConnectNamedPipe leaves and its instance is closed at once; until then a client could still
        // open that instance, and would read end of stream.
        await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(2)).atMost(millis(100))
                .until(() -> daemonApi.kernel().waitingInstances(pipeName()) == 0);

        NamedPipeConnector impatient = new NamedPipeConnector(proxyApi, Duration.ZERO);
        try {
            assertThatThrownBy(() -> impatient.connect(endpoint)).isInstanceOf(PipeBusyException.class);
        } finally {
            live.close();
        }
        assertThat(ended.await(millis(1000).toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        await().atMost(millis(1000)).until(() -> !daemonApi.kernel().exists(pipeName()));
        assertThatThrownBy(() -> impatient.connect(endpoint)).isInstanceOf(java.nio.file.NoSuchFileException.class);
        // the next daemon of the scope can take the name
        NamedPipeTransport next = new NamedPipeTransport(daemonApi, pipeName());
        try {
            assertThat(next.start(TransportContract::echoLines)).isEqualTo(endpoint);
        } finally {
            next.close();
        }
    }

    @Test
    void aClientThatLeavesBeforeItIsAcceptedDoesNotStopTheAcceptLoop() throws Exception {
        CountDownLatch leftEarly = new CountDownLatch(1);
        // a client opens the waiting instance and closes it before ConnectNamedPipe runs: ERROR_NO_DATA
        daemonApi.kernel().beforeNextBlockingCall("ConnectNamedPipe", () -> {
            try {
                proxyApi.closeHandle(proxyApi.openClient(pipeName()));
                leftEarly.countDown();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        Endpoint endpoint = transport.start(TransportContract::echoLines);
        assertThat(leftEarly.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(connectsAndIsServed(endpoint)).as("the next client is served").isTrue();
    }
}
