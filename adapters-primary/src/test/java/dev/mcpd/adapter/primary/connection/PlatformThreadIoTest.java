package dev.mcpd.adapter.primary.connection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class PlatformThreadIoTest {

    private final PlatformThreadIo io = new PlatformThreadIo("test-io-", "test I/O");

    @Test
    void aCallFromAVirtualThreadRunsOnAPooledPlatformThread() throws Exception {
        CompletableFuture<Thread> ranOn = new CompletableFuture<>();
        Thread caller = Thread.ofVirtual().start(() -> {
            try {
                ranOn.complete(io.call(Thread::currentThread));
            } catch (IOException e) {
                ranOn.completeExceptionally(e);
            }
        });
        caller.join();

        Thread thread = ranOn.get(5, TimeUnit.SECONDS);
        assertThat(thread.isVirtual()).isFalse();
        assertThat(thread.getName()).startsWith("test-io-");
    }

    @Test
    void aCallFromAPlatformThreadRunsWhereItIs() throws Exception {
        assertThat(io.call(Thread::currentThread)).isSameAs(Thread.currentThread());
    }

    @Test
    void theCallsIOExceptionReachesTheCaller() {
        CompletableFuture<Throwable> thrown = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                io.call(() -> {
                    throw new IOException("peer reset");
                });
                thrown.complete(null);
            } catch (Throwable t) {
                thrown.complete(t);
            }
        });
        assertThat(thrown).succeedsWithin(Duration.ofSeconds(5))
                .isInstanceOfSatisfying(IOException.class, e -> assertThat(e).hasMessage("peer reset"));
    }

    @Test
    void anInterruptedCallerAbandonsTheConnectionBeforeItGetsInterruptedIOException() throws Exception {
        CountDownLatch blocked = new CountDownLatch(1);
        CompletableFuture<Void> release = new CompletableFuture<>();
        AtomicBoolean abandonedFirst = new AtomicBoolean();
        AtomicBoolean abandoned = new AtomicBoolean();
        CompletableFuture<Throwable> thrown = new CompletableFuture<>();
        Thread caller = Thread.ofVirtual().start(() -> {
            try {
                io.call(() -> {
                    blocked.countDown();
                    release.join();
                    return 0;
                }, () -> abandoned.set(true));
                thrown.complete(null);
            } catch (Throwable t) {
                abandonedFirst.set(abandoned.get());
                thrown.complete(t);
            }
        });
        assertThat(blocked.await(5, TimeUnit.SECONDS)).isTrue();

        caller.interrupt();

        assertThat(thrown).succeedsWithin(Duration.ofSeconds(5)).isInstanceOf(InterruptedIOException.class);
        assertThat(abandonedFirst).isTrue();
        release.complete(null);
        await().atMost(Duration.ofSeconds(5)).until(() -> !caller.isAlive());
    }
}
