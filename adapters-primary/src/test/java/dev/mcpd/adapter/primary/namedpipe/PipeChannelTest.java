package dev.mcpd.adapter.primary.namedpipe;

import static dev.mcpd.adapter.primary.namedpipe.PipeIo.async;
import static dev.mcpd.domain.testing.TestTime.millis;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.mcpd.domain.model.Availability;
import java.io.IOException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@link PipeChannel}'s close logic (its invariants 1-5: B-C1, no {@code CloseHandle} under a call), on the in-memory
 * fake, which stands in for Windows here and records every misuse of a handle.
 */
@DisplayName("PipeChannel close logic on the in-memory pipe fake (stands in for Windows)")
class PipeChannelTest {

    private static final String NAME = PipeName.PREFIX + "mcpd-channel-test";

    private final InMemoryPipeApi api = new InMemoryPipeApi();
    private PipeChannel server;
    private PipeHandle client;
    private boolean clientOpen = true;

    @BeforeEach
    void connect() throws Exception {
        PipeHandle instance = api.createInstance(NAME, true);
        client = api.openClient(NAME);
        server = new PipeChannel(api, instance, NAME);
        server.awaitClient();
    }

    @AfterEach
    void noHandleWasMisused() {
        server.close();
        closeClient();
        await().atMost(millis(1000)).until(() -> api.kernel().openHandles() == 0);
        assertThat(api.kernel().violations()).isEmpty();
    }

    @Test
    void closeReturnsAtOnceAndUnblocksABlockedRead() throws Exception {
        CompletableFuture<Integer> read = async(() -> server.read(new byte[8], 0, 8));
        await().during(millis(50)).atMost(millis(1000)).until(() -> !read.isDone());

        long started = System.nanoTime();
        server.close();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(millis(100));
        assertFailsWith(read, AsynchronousCloseException.class);
        // the handle is closed once the cancelled call has left, not under it
        await().atMost(millis(1000)).until(() -> api.kernel().openHandles() == 1);
    }

    @Test
    void closeUnblocksAWriteBlockedOnAFullPipe() throws Exception {
        byte[] flood = new byte[1024 * 1024];
        CompletableFuture<Void> write = async(() -> {
            server.write(flood, 0, flood.length);
            return null;
        });
        await().during(millis(50)).atMost(millis(1000)).until(() -> !write.isDone());
        server.close();
        assertFailsWith(write, AsynchronousCloseException.class);
    }

    @Test
    void aCallCaughtBetweenEnteringAndBlockingIsStillCancelled() throws Exception {
        // CancelIoEx reaches only calls already blocked: close in the window before the read blocks
        api.kernel().beforeNextBlockingCall("ReadFile", server::close);
        CompletableFuture<Integer> read = async(() -> server.read(new byte[8], 0, 8));
        assertFailsWith(read, AsynchronousCloseException.class);
        await().atMost(millis(1000)).until(() -> api.kernel().openHandles() == 1);
    }

    @Test
    void aCallAfterCloseFailsWithoutTouchingTheHandle() {
        server.close();
        assertThatThrownBy(() -> server.read(new byte[8], 0, 8)).isInstanceOf(ClosedChannelException.class);
        assertThatThrownBy(() -> server.write(new byte[8], 0, 8)).isInstanceOf(ClosedChannelException.class);
        // a ReadFile on the closed handle would be recorded as a violation in the AfterEach
    }

    @Test
    void closeIsIdempotentAndClosesTheHandleOnce() {
        server.close();
        server.close();
        assertThat(server.isClosed()).isTrue();
        assertThat(api.kernel().openHandles()).isEqualTo(1); // the client's end
    }

    @Test
    void aReadOfNothingReturnsAtOnceAndEndOfStreamIsMinusOne() throws Exception {
        assertThat(server.read(new byte[8], 0, 0)).isZero();
        api.write(client, new byte[] {'x'}, 0, 1);
        closeClient();
        byte[] buffer = new byte[8];
        assertThat(server.read(buffer, 0, 8)).isEqualTo(1);
        assertThat(server.read(buffer, 0, 8)).isEqualTo(-1);
    }

    private void closeClient() {
        if (clientOpen) {
            clientOpen = false;
            api.closeHandle(client);
        }
    }

    @Test
    void blockingCallsFromAVirtualThreadRunOnAPlatformThread() throws Exception {
        PipeHandle instance = api.createInstance(NAME + "-2", true);
        PipeHandle other = api.openClient(NAME + "-2");
        CompletableFuture<Boolean> calledOnVirtual = new CompletableFuture<>();
        PipeApi recording = new DelegatingPipeApi(api) {
            @Override
            public int read(PipeHandle handle, byte[] buffer, int offset, int length) throws IOException {
                calledOnVirtual.complete(Thread.currentThread().isVirtual());
                return super.read(handle, buffer, offset, length);
            }
        };
        PipeChannel channel = new PipeChannel(recording, instance, NAME + "-2");
        try {
            api.write(other, new byte[] {'x'}, 0, 1);
            CompletableFuture<Integer> read = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> {
                try {
                    read.complete(channel.read(new byte[1], 0, 1));
                } catch (IOException e) {
                    read.completeExceptionally(e);
                }
            });
            assertThat(read.get(millis(1000).toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(1);
            // a blocked downcall would pin a virtual thread's carrier (B-M8)
            assertThat(calledOnVirtual.getNow(null)).isFalse();
        } finally {
            channel.close();
            api.closeHandle(other);
        }
    }

    private static void assertFailsWith(CompletableFuture<?> call, Class<? extends Throwable> type) {
        assertThatThrownBy(() -> call.get(millis(1000).toMillis(), TimeUnit.MILLISECONDS))
                .isInstanceOf(ExecutionException.class).cause().isInstanceOf(type);
    }

    /** Forwards every call; tests override the one they watch. */
    private static class DelegatingPipeApi implements PipeApi {
        private final PipeApi delegate;

        DelegatingPipeApi(PipeApi delegate) {
            this.delegate = delegate;
        }

        @Override
        public Availability availability() {
            return delegate.availability();
        }

        @Override
        public PipeHandle createInstance(String pipeName, boolean firstInstance) throws IOException {
            return delegate.createInstance(pipeName, firstInstance);
        }

        @Override
        public void awaitClient(PipeHandle instance) throws IOException {
            delegate.awaitClient(instance);
        }

        @Override
        public long clientProcessId(PipeHandle instance) throws IOException {
            return delegate.clientProcessId(instance);
        }

        @Override
        public PipeHandle openClient(String pipeName) throws IOException {
            return delegate.openClient(pipeName);
        }

        @Override
        public boolean waitForInstance(String pipeName, Duration timeout) throws IOException {
            return delegate.waitForInstance(pipeName, timeout);
        }

        @Override
        public int read(PipeHandle handle, byte[] buffer, int offset, int length) throws IOException {
            return delegate.read(handle, buffer, offset, length);
        }

        @Override
        public void write(PipeHandle handle, byte[] buffer, int offset, int length) throws IOException {
            delegate.write(handle, buffer, offset, length);
        }

        @Override
        public void cancelIo(PipeHandle handle) {
            delegate.cancelIo(handle);
        }

        @Override
        public void closeHandle(PipeHandle handle) {
            delegate.closeHandle(handle);
        }
    }
}
