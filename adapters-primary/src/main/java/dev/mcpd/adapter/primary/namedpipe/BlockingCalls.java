package dev.mcpd.adapter.primary.namedpipe;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs a blocking pipe call on a platform thread. A thread blocked in a native downcall ({@code GetOverlappedResult},
 * {@code WaitNamedPipeW}) pins its carrier when it is virtual, and the JDK does not compensate for native frames: as
 * many idle pipes as CPUs would starve every virtual thread of the daemon (B-M8, B-C4; the same reason as the Unix
 * transport's hand-off, ADR 0004). A call made on a platform thread runs where it is.
 */
final class BlockingCalls {

    /** One platform thread per blocked call; idle ones expire after the pool's default 60 s. */
    private static final ExecutorService PLATFORM =
            Executors.newCachedThreadPool(Thread.ofPlatform().name("pipe-io-", 0).daemon().factory());

    private BlockingCalls() {}

    @FunctionalInterface
    interface Call<T> {
        T call() throws IOException;
    }

    /**
     * Runs {@code call} here on a platform thread, else on a pooled platform thread while the virtual caller parks.
     *
     * @throws InterruptedIOException if the virtual caller is interrupted; the call itself goes on until the handle
     *         is closed, which is what ends it
     */
    static <T> T onPlatformThread(Call<T> call) throws IOException {
        if (!Thread.currentThread().isVirtual()) {
            return call.call();
        }
        Future<T> result = PLATFORM.submit(call::call);
        try {
            return result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted during a named pipe call");
        } catch (ExecutionException e) {
            switch (e.getCause()) {
                case IOException io -> throw io;
                case RuntimeException re -> throw re;
                case Error error -> throw error;
                default -> throw new IOException(e.getCause());
            }
        }
    }
}
