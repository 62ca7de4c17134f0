package dev.mcpd.adapter.primary.namedpipe;

import java.io.IOException;

/**
 * A named pipe call failed with a Win32 error. The subtypes name the failures callers act on: a busy pipe
 * ({@link PipeBusyException}) and a name owned by another process ({@link PipeNameTakenException}); the error code
 * tells the rest apart (a broken pipe from a cancelled call, house rule 12).
 */
public class PipeException extends IOException {

    private static final long serialVersionUID = 1L;

    private final int errorCode;

    /**
     * @param function the Win32 function that failed, e.g. {@code WriteFile}
     * @param errorCode its {@code GetLastError} value, see {@link Win32Error}
     * @param detail what was being done, e.g. the pipe name
     */
    public PipeException(String function, int errorCode, String detail) {
        super(function + " failed with " + Win32Error.name(errorCode) + " (" + errorCode + "): " + detail);
        this.errorCode = errorCode;
    }

    /** The {@code GetLastError} value. */
    public int errorCode() {
        return errorCode;
    }

    /** Whether the other end is gone: the peer closed, or the instance was disconnected. */
    public boolean isBrokenPipe() {
        return errorCode == Win32Error.ERROR_BROKEN_PIPE || errorCode == Win32Error.ERROR_NO_DATA
                || errorCode == Win32Error.ERROR_PIPE_NOT_CONNECTED;
    }

    /** Whether the call was cancelled ({@code CancelIoEx}), which this code only does when closing. */
    public boolean isCancelled() {
        return errorCode == Win32Error.ERROR_OPERATION_ABORTED;
    }
}
