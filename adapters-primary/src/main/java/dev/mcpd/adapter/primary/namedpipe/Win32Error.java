package dev.mcpd.adapter.primary.namedpipe;

/**
 * The Win32 system error codes ({@code GetLastError}) that the named pipe code acts on, with their documented
 * values ("System Error Codes (0-499)" and "(500-999)", Microsoft Learn). The fake pipe API reports the same codes,
 * so the code that maps them is tested on every platform.
 */
public final class Win32Error {

    /** 2: no pipe of that name exists ({@code CreateFileW}, {@code WaitNamedPipeW}). */
    public static final int ERROR_FILE_NOT_FOUND = 2;
    /** 5: {@code CreateNamedPipeW} with {@code FILE_FLAG_FIRST_PIPE_INSTANCE} when the name already exists. */
    public static final int ERROR_ACCESS_DENIED = 5;
    /** 6: the handle is closed or was never valid. */
    public static final int ERROR_INVALID_HANDLE = 6;
    /** 109: the other end closed its handle; a read has drained everything it wrote. */
    public static final int ERROR_BROKEN_PIPE = 109;
    /** 121: {@code WaitNamedPipeW} timed out. */
    public static final int ERROR_SEM_TIMEOUT = 121;
    /** 231: every instance of the pipe is connected to a client. */
    public static final int ERROR_PIPE_BUSY = 231;
    /** 232: a write to a pipe whose other end is closing. */
    public static final int ERROR_NO_DATA = 232;
    /** 233: the instance is not connected (the server disconnected it). */
    public static final int ERROR_PIPE_NOT_CONNECTED = 233;
    /** 535: {@code ConnectNamedPipe}: a client connected before the call; this is a success. */
    public static final int ERROR_PIPE_CONNECTED = 535;
    /** 995: an overlapped operation was cancelled ({@code CancelIoEx}). */
    public static final int ERROR_OPERATION_ABORTED = 995;
    /** 997: an overlapped operation is in progress. */
    public static final int ERROR_IO_PENDING = 997;
    /** 1168: {@code CancelIoEx} found nothing to cancel. */
    public static final int ERROR_NOT_FOUND = 1168;

    private Win32Error() {}

    /** The constant's name for a code this class knows, else {@code "error <code>"}; for log and exception text. */
    public static String name(int code) {
        return switch (code) {
            case ERROR_FILE_NOT_FOUND -> "ERROR_FILE_NOT_FOUND";
            case ERROR_ACCESS_DENIED -> "ERROR_ACCESS_DENIED";
            case ERROR_INVALID_HANDLE -> "ERROR_INVALID_HANDLE";
            case ERROR_BROKEN_PIPE -> "ERROR_BROKEN_PIPE";
            case ERROR_SEM_TIMEOUT -> "ERROR_SEM_TIMEOUT";
            case ERROR_PIPE_BUSY -> "ERROR_PIPE_BUSY";
            case ERROR_NO_DATA -> "ERROR_NO_DATA";
            case ERROR_PIPE_NOT_CONNECTED -> "ERROR_PIPE_NOT_CONNECTED";
            case ERROR_PIPE_CONNECTED -> "ERROR_PIPE_CONNECTED";
            case ERROR_OPERATION_ABORTED -> "ERROR_OPERATION_ABORTED";
            case ERROR_IO_PENDING -> "ERROR_IO_PENDING";
            case ERROR_NOT_FOUND -> "ERROR_NOT_FOUND";
            default -> "error " + code;
        };
    }
}
