package dev.mcpd.adapter.primary.namedpipe;

import static java.util.Objects.requireNonNull;

import dev.mcpd.adapter.primary.connection.PlatformThreadIo;
import java.io.IOException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@link PipeHandle} with a close that returns at once and still never closes the handle under a call in
 * progress.
 *
 * <p>Invariants (tested against the fake in {@code PipeChannelTest}):
 * <ol>
 *   <li>B-C1 {@link #close()} returns at once and never waits for the peer or for a blocked call.
 *   <li>Closing unblocks every call blocked on the handle ({@code CancelIoEx}); the call throws
 *       {@link AsynchronousCloseException}. A call started after close throws {@link ClosedChannelException}.
 *   <li>{@code CloseHandle} runs exactly once, and only when no call is in progress on the handle: a Win32 handle
 *       value can be reused by the next handle the process opens, so closing under a call could make that call
 *       read from someone else's file. The last call to leave closes it. For the same reason no
 *       {@code CancelIoEx} runs after the {@code CloseHandle} (one lock orders them).
 *   <li>A call that had entered but not yet blocked when {@code CancelIoEx} ran (cancel only reaches calls already
 *       pending) is cancelled by a re-sweep every millisecond until it leaves, for up to {@link #CANCEL_SWEEP_LIMIT};
 *       past that the handle is leaked with a log line rather than closed under the call.
 *   <li>Blocking calls run on platform threads ({@link #PLATFORM_THREADS}).
 * </ol>
 */
final class PipeChannel {

    private static final Logger log = LoggerFactory.getLogger(PipeChannel.class);

    /** How long a close keeps cancelling a call that has not left yet before it gives the handle up. */
    static final Duration CANCEL_SWEEP_LIMIT = Duration.ofSeconds(10);

    /**
     * Where blocking pipe calls from virtual threads run: a thread blocked in a native downcall
     * ({@code GetOverlappedResult}, {@code WaitNamedPipeW}) pins its carrier (B-M8, B-C4; ADR 0004).
     */
    static final PlatformThreadIo PLATFORM_THREADS = new PlatformThreadIo("pipe-io-", "a named pipe call");

    private final PipeApi api;
    private final PipeHandle handle;
    private final String name;
    private final AtomicInteger inFlight = new AtomicInteger();
    /** Orders {@code CancelIoEx} before {@code CloseHandle}: a cancel after the close could hit a reused handle. */
    private final Object handleLock = new Object();
    private volatile boolean handleClosed;
    private volatile boolean closed;

    /**
     * @param api the calls
     * @param handle an open handle, now owned by this channel
     * @param name the pipe name, for messages
     */
    PipeChannel(PipeApi api, PipeHandle handle, String name) {
        this.api = requireNonNull(api, "api is null");
        this.handle = requireNonNull(handle, "handle is null");
        this.name = requireNonNull(name, "name is null");
    }

    @FunctionalInterface
    private interface HandleCall<T> {
        T call(PipeApi api, PipeHandle handle) throws IOException;
    }

    /** {@link PipeApi#awaitClient}, cancellable by {@link #close()}. */
    void awaitClient() throws IOException {
        run((a, h) -> {
            a.awaitClient(h);
            return null;
        });
    }

    /** {@link PipeApi#clientProcessId}. */
    long clientProcessId() throws IOException {
        return run(PipeApi::clientProcessId);
    }

    /** {@link PipeApi#read}; returns 1..length bytes or -1 at end of stream, never 0. */
    int read(byte[] buffer, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        int n;
        do {
            n = run((a, h) -> a.read(h, buffer, offset, length)); // a zero-byte write by the peer reads as 0: skip it
        } while (n == 0);
        return n;
    }

    /** {@link PipeApi#write}. */
    void write(byte[] buffer, int offset, int length) throws IOException {
        if (length > 0) {
            run((a, h) -> {
                a.write(h, buffer, offset, length);
                return null;
            });
        }
    }

    private <T> T run(HandleCall<T> call) throws IOException {
        return PLATFORM_THREADS.call(() -> {
            inFlight.incrementAndGet();
            try {
                if (closed) {
                    throw new ClosedChannelException();
                }
                return call.call(api, handle);
            } catch (IOException | RuntimeException e) {
                if (closed && !(e instanceof ClosedChannelException)) {
                    AsynchronousCloseException closedUnderUs = new AsynchronousCloseException();
                    closedUnderUs.initCause(e);
                    throw closedUnderUs;
                }
                throw e;
            } finally {
                if (inFlight.decrementAndGet() == 0 && closed) {
                    closeHandleOnce();
                }
            }
        });
    }

    /** Whether {@link #close()} has been called. */
    boolean isClosed() {
        return closed;
    }

    /**
     * Closes the channel: no new call starts, every blocked call is cancelled, and the handle is closed as soon as
     * no call is in progress (invariants 1-4). Returns at once; idempotent; never throws.
     */
    void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (inFlight.get() == 0) {
            closeHandleOnce();
            return;
        }
        cancelIfOpen();
        if (inFlight.get() > 0 && !handleClosed) {
            Thread.ofVirtual().name("pipe-cancel-sweep").start(this::sweepUntilCallsLeave);
        }
    }

    private void sweepUntilCallsLeave() {
        long deadline = System.nanoTime() + CANCEL_SWEEP_LIMIT.toNanos();
        while (inFlight.get() > 0 && !handleClosed) {
            if (System.nanoTime() - deadline > 0) {
                log.warn("a call on {} did not end within {} of being cancelled; leaving its handle open", name,
                        CANCEL_SWEEP_LIMIT);
                return;
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (inFlight.get() > 0) {
                cancelIfOpen();
            }
        }
    }

    private void cancelIfOpen() {
        synchronized (handleLock) {
            if (!handleClosed) {
                api.cancelIo(handle);
            }
        }
    }

    private void closeHandleOnce() {
        synchronized (handleLock) {
            if (!handleClosed) {
                handleClosed = true;
                api.closeHandle(handle);
            }
        }
    }
}
