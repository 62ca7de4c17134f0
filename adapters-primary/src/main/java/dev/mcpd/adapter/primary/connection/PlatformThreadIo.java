package dev.mcpd.adapter.primary.connection;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs blocking I/O calls on platform threads when they are made from a virtual thread (B-C4, B-M8; ADR 0004).
 *
 * <p>Why: a virtual thread blocked in junixsocket 2.11 parks by having its fd polled on a shared pool of one thread
 * per CPU, each poll holding its pool thread until the fd is ready; a virtual thread blocked in a native downcall
 * ({@code GetOverlappedResult}, {@code WaitNamedPipeW}) pins its carrier, and the JDK does not compensate for native
 * frames. Either way, as many idle or stuck peers as CPUs would starve every other connection. So a call made from a
 * virtual thread is handed to a platform thread, which blocks in the kernel on its own; a call made on a platform
 * thread runs where it is.
 *
 * <p>One instance per transport, each with its own pool of daemon threads named {@code <prefix><n>}: one thread per
 * blocked call, idle ones expire after the pool's default 60 s.
 */
public final class PlatformThreadIo {

    /** A blocking call. */
    @FunctionalInterface
    public interface Call<T> {
        T call() throws IOException;
    }

    /** A blocking call with no result. */
    @FunctionalInterface
    public interface Action {
        void run() throws IOException;
    }

    private final ExecutorService pool;
    private final String what;

    /**
     * @param threadPrefix the pool threads' name prefix, e.g. {@code unix-io-}
     * @param what the calls, for the message of an interrupted call, e.g. {@code socket I/O}
     */
    public PlatformThreadIo(String threadPrefix, String what) {
        this.pool = Executors.newCachedThreadPool(
                Thread.ofPlatform().name(requireNonNull(threadPrefix, "threadPrefix is null"), 0).daemon().factory());
        this.what = requireNonNull(what, "what is null");
    }

    /**
     * Runs {@code call} here on a platform thread, else on a pooled platform thread while the virtual caller parks.
     *
     * @return what {@code call} returned
     * @throws InterruptedIOException if the virtual caller is interrupted while parked; the call itself goes on until
     *         its resource is closed, which is what ends it
     * @throws IOException what {@code call} threw (its runtime exceptions and errors are thrown as they are)
     */
    public <T> T call(Call<T> call) throws IOException {
        return call(call, null);
    }

    /**
     * As {@link #call(Call)}, for calls on a stream whose framing an interrupt would leave unknown: the platform
     * thread's read or write cannot be stopped and goes on, so {@code abandon} (closing the connection) runs before
     * the caller gets its {@link InterruptedIOException}; nothing can then follow a torn line, and the platform call
     * ends on the closed resource (B-W1, review finding 6).
     */
    public <T> T call(Call<T> call, Runnable abandon) throws IOException {
        if (!Thread.currentThread().isVirtual()) {
            return call.call();
        }
        Future<T> result = pool.submit(call::call);
        try {
            return result.get();
        } catch (InterruptedException e) {
            if (abandon != null) {
                abandon.run();
            }
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted during " + what
                    + (abandon == null ? "" : "; the connection is closed"));
        } catch (ExecutionException e) {
            switch (e.getCause()) {
                case IOException io -> throw io;
                case RuntimeException re -> throw re;
                case Error error -> throw error;
                default -> throw new IOException(e.getCause());
            }
        }
    }

    /** {@link #call(Call, Runnable)} for an action with no result. */
    public void run(Action action, Runnable abandon) throws IOException {
        call(() -> {
            action.run();
            return null;
        }, abandon);
    }

    /**
     * {@code in} with its reads on platform threads; an interrupted read runs {@code abandon} (see
     * {@link #call(Call, Runnable)}). {@code available} and {@code close} never block and run where they are called.
     */
    public InputStream input(InputStream in, Runnable abandon) {
        requireNonNull(in, "in is null");
        requireNonNull(abandon, "abandon is null");
        return new InputStream() {
            @Override
            public int read() throws IOException {
                return call(in::read, abandon);
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return call(() -> in.read(b, off, len), abandon);
            }

            @Override
            public int available() throws IOException {
                return in.available();
            }

            @Override
            public void close() throws IOException {
                in.close();
            }
        };
    }

    /** {@code out} with its writes and flushes on platform threads, as {@link #input}; {@code close} runs here. */
    public OutputStream output(OutputStream out, Runnable abandon) {
        requireNonNull(out, "out is null");
        requireNonNull(abandon, "abandon is null");
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                PlatformThreadIo.this.run(() -> out.write(b), abandon);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                PlatformThreadIo.this.run(() -> out.write(b, off, len), abandon);
            }

            @Override
            public void flush() throws IOException {
                PlatformThreadIo.this.run(out::flush, abandon);
            }

            @Override
            public void close() throws IOException {
                out.close();
            }
        };
    }
}
