package dev.mcpd.adapter.primary.namedpipe;

import dev.mcpd.domain.model.Availability;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.time.Duration;

/**
 * The few Win32 named pipe calls mcpd makes, behind one small interface so that everything above them (instance
 * management, framing, close logic, busy retry) runs and is tested on any OS against a fake, while
 * {@link Kernel32PipeApi} makes the real calls on Windows (ADR 0008).
 *
 * <p>Semantics every implementation keeps (those of a byte-mode, overlapped Win32 pipe; {@code PipeApiContract}
 * checks them):
 * <ol>
 *   <li>Byte stream, both directions at once: a read blocked on a handle never delays a write on the same handle.
 *   <li>{@link #read} blocks until at least one byte is there; it returns -1 once the other end closed and every
 *       byte it wrote before closing was read ({@code ERROR_BROKEN_PIPE}). Closing never discards written bytes.
 *   <li>{@link #write} blocks while the pipe's buffer is full, until the reader drains it; it throws a
 *       {@link PipeException} whose {@link PipeException#isBrokenPipe()} holds once the other end closed.
 *   <li>{@link #cancelIo} makes every call then blocked on the handle throw a {@link PipeException} with
 *       {@link PipeException#isCancelled()}; it does not affect a call that has not yet started to block.
 *   <li>{@link #closeHandle} must not be called while a call on the handle is in progress (a Win32 handle value
 *       may be reused at once); callers cancel, wait for the calls to leave, then close ({@link PipeChannel}).
 *   <li>A pipe name exists while at least one server instance of it is open.
 * </ol>
 *
 * <p>There is deliberately no flush: {@code FlushFileBuffers} on a pipe waits until the client has read every
 * byte, which is exactly the wait on a peer that B-C1 forbids. A write returns once its bytes are in the pipe.
 */
public interface PipeApi {

    /** Whether these calls can be made here, and if not why. Cheap; makes no native call on a non-Windows OS. */
    Availability availability();

    /**
     * Creates one server instance of {@code pipeName} ({@code CreateNamedPipeW}): duplex, byte mode, remote clients
     * rejected ({@code PIPE_REJECT_REMOTE_CLIENTS}), default security descriptor (B-T2). A client may connect to it
     * as soon as it exists.
     *
     * @param pipeName {@code \\.\pipe\...}, see {@link PipeName}
     * @param firstInstance set {@code FILE_FLAG_FIRST_PIPE_INSTANCE}: fail if any instance of the name exists
     * @return the server end of the new instance
     * @throws PipeNameTakenException if {@code firstInstance} and the name exists
     * @throws PipeException for any other refusal
     */
    PipeHandle createInstance(String pipeName, boolean firstInstance) throws IOException;

    /**
     * Waits until a client is connected to the instance ({@code ConnectNamedPipe}); returns at once if one connected
     * since the instance was created ({@code ERROR_PIPE_CONNECTED}).
     *
     * @throws PipeException cancelled by {@link #cancelIo}, or any other failure
     */
    void awaitClient(PipeHandle instance) throws IOException;

    /**
     * The process id of the client connected to a server instance ({@code GetNamedPipeClientProcessId}), from the
     * kernel, not from anything the client sent (B-L2).
     *
     * @return the pid, positive
     * @throws PipeException if no client is connected
     */
    long clientProcessId(PipeHandle instance) throws IOException;

    /**
     * Opens the client end of an instance waiting for a client ({@code CreateFileW}, {@code OPEN_EXISTING}).
     *
     * @throws NoSuchFileException if no pipe of that name exists ({@code ERROR_FILE_NOT_FOUND}): no daemon
     * @throws PipeBusyException if every instance is connected to a client
     */
    PipeHandle openClient(String pipeName) throws IOException;

    /**
     * Waits until an instance of {@code pipeName} waits for a client ({@code WaitNamedPipeW}). Another client may
     * still take it first, so callers then retry {@link #openClient}.
     *
     * @param timeout the longest wait, at least 1 ms is used
     * @return true when an instance became available, false on timeout ({@code ERROR_SEM_TIMEOUT})
     * @throws NoSuchFileException if no pipe of that name exists
     */
    boolean waitForInstance(String pipeName, Duration timeout) throws IOException;

    /**
     * Reads up to {@code length} bytes ({@code ReadFile}); blocks until at least one is there.
     *
     * @return the number of bytes read, 1..length; -1 when the other end closed and everything was read
     * @throws PipeException cancelled, or any failure other than the other end having closed
     */
    int read(PipeHandle handle, byte[] buffer, int offset, int length) throws IOException;

    /**
     * Writes all {@code length} bytes ({@code WriteFile}); blocks while the pipe's buffer is full.
     *
     * @throws PipeException broken pipe (the other end closed), cancelled, or any other failure
     */
    void write(PipeHandle handle, byte[] buffer, int offset, int length) throws IOException;

    /** Cancels every call blocked on {@code handle} ({@code CancelIoEx(handle, NULL)}). Never blocks or throws. */
    void cancelIo(PipeHandle handle);

    /**
     * Closes the handle ({@code CloseHandle}), without {@code DisconnectNamedPipe} (which would discard bytes the peer
     * has not read yet) and without {@code FlushFileBuffers} (which would wait for the peer, B-C1). The peer reads
     * what is left, then end of stream. Never blocks or throws.
     */
    void closeHandle(PipeHandle handle);
}
