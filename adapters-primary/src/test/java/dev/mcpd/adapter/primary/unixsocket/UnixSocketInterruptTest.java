package dev.mcpd.adapter.primary.unixsocket;

import static dev.mcpd.domain.testing.TestTime.millis;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mcpd.domain.model.Endpoint;
import dev.mcpd.domain.port.Connection;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A virtual thread interrupted while its socket write is blocked (the peer does not read) cannot stop the platform
 * thread doing that write: the connection is closed before the caller hears of the interrupt, so no later line can
 * follow a torn one (B-W1; review finding 6).
 */
class UnixSocketInterruptTest {

    private static final Duration ANSWER = millis(5_000);

    @TempDir
    Path dir;

    private UnixSocketTransport transport;
    private Connection peer;

    @AfterEach
    void stop() {
        if (peer != null) {
            peer.close();
        }
        if (transport != null) {
            transport.close();
        }
    }

    @Test
    void anInterruptedBlockedWriteClosesTheConnectionBeforeItReturns() throws Exception {
        CompletableFuture<Thread> writer = new CompletableFuture<>();
        CompletableFuture<Boolean> openWhenInterrupted = new CompletableFuture<>();
        transport = new UnixSocketTransport(dir.resolve("daemon.sock"));
        Endpoint endpoint = transport.start(connection -> {
            writer.complete(Thread.currentThread());
            try {
                connection.output().write(new byte[16 * 1024 * 1024]); // far more than the socket buffers hold
                connection.output().flush();
                openWhenInterrupted.completeExceptionally(new AssertionError("the write finished: the peer read it?"));
            } catch (InterruptedIOException e) {
                openWhenInterrupted.complete(connection.isOpen());
            } catch (IOException e) {
                openWhenInterrupted.completeExceptionally(e);
            }
        });
        peer = new UnixSocketConnector().connect(endpoint); // and never reads
        Thread handler = writer.get(ANSWER.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(handler.isVirtual()).isTrue();
        await().atMost(ANSWER).until(() -> handler.getState() == Thread.State.WAITING); // parked on the platform write

        handler.interrupt();

        assertThat(openWhenInterrupted.get(ANSWER.toMillis(), TimeUnit.MILLISECONDS))
                .as("the connection is already closed when the interrupted writer returns").isFalse();
    }
}
