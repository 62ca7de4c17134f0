package dev.mcpd.adapter.primary.namedpipe;

/**
 * {@code ERROR_PIPE_BUSY}: the pipe exists but no instance is waiting for a client, because the server is between
 * two {@code ConnectNamedPipe} calls or has stopped accepting (B-C2). A client waits ({@code WaitNamedPipeW}) and
 * retries, up to a bound.
 */
public final class PipeBusyException extends PipeException {

    private static final long serialVersionUID = 1L;

    /** @param function the failing call, {@code CreateFileW}; @param detail the pipe name and what was tried */
    public PipeBusyException(String function, String detail) {
        super(function, Win32Error.ERROR_PIPE_BUSY, detail);
    }
}
