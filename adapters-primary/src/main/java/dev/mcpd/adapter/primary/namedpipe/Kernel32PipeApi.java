package dev.mcpd.adapter.primary.namedpipe;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.nio.charset.StandardCharsets.UTF_16LE;
import static java.util.Objects.requireNonNull;

import dev.mcpd.domain.model.Availability;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.nio.file.NoSuchFileException;
import java.time.Duration;

/**
 * {@link PipeApi} on Windows' {@code kernel32.dll}, through the Foreign Function and Memory API (final since
 * Java 22; ADR 0008). Runs with {@code --enable-native-access=ALL-UNNAMED} to avoid the JDK's restricted-method
 * warning.
 *
 * <p>How the calls are made:
 * <ol>
 *   <li>Every handle is opened with {@code FILE_FLAG_OVERLAPPED}. A synchronous handle serialises all I/O on it, so
 *       a {@code ReadFile} blocked waiting for the peer would hold up every {@code WriteFile} of a response
 *       (invariant 1 of {@link PipeApi}). Each read, write and connect is issued overlapped with its own event and
 *       waited for with {@code GetOverlappedResult(..., TRUE)} on the calling (platform) thread, which is what
 *       {@code CancelIoEx} interrupts ({@code ERROR_OPERATION_ABORTED}). The {@code OVERLAPPED}, the event and the
 *       native buffer belong to the call and are freed only after it completed.
 *   <li>Server instances: {@code PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED}, plus {@code FILE_FLAG_FIRST_PIPE_INSTANCE}
 *       for the first; {@code PIPE_TYPE_BYTE | PIPE_READMODE_BYTE | PIPE_WAIT | PIPE_REJECT_REMOTE_CLIENTS};
 *       {@code PIPE_UNLIMITED_INSTANCES}; 64 KiB buffers; a {@code NULL} security descriptor, i.e. the default DACL of
 *       the daemon's user (B-T2).
 *   <li>Client ends: {@code GENERIC_READ | GENERIC_WRITE}, {@code OPEN_EXISTING},
 *       {@code FILE_FLAG_OVERLAPPED | SECURITY_SQOS_PRESENT | SECURITY_IDENTIFICATION} (a server may identify the
 *       proxy's user but not impersonate it).
 *   <li>Names are passed as NUL-terminated UTF-16LE ({@code LPCWSTR}).
 *   <li>On any other OS {@link #availability()} says why not, and no native symbol is looked up: the bindings in
 *       {@link Kernel32} are initialised on the first call, which throws {@link UnsupportedOperationException} there.
 * </ol>
 *
 * <p>Verified here (Linux): it compiles, and it reports itself unavailable without touching native code. The calls
 * themselves run only in the Windows-only tests ({@code Kernel32PipeApiWindowsTest},
 * {@code Kernel32NamedPipeTransportTest}).
 */
public final class Kernel32PipeApi implements PipeApi {

    // dwOpenMode (CreateNamedPipeW) and dwFlagsAndAttributes (CreateFileW), winbase.h / winnt.h
    static final int PIPE_ACCESS_DUPLEX = 0x00000003;
    static final int FILE_FLAG_FIRST_PIPE_INSTANCE = 0x00080000;
    static final int FILE_FLAG_OVERLAPPED = 0x40000000;
    // dwPipeMode: PIPE_TYPE_BYTE, PIPE_READMODE_BYTE and PIPE_WAIT are all 0
    static final int PIPE_REJECT_REMOTE_CLIENTS = 0x00000008;
    static final int PIPE_UNLIMITED_INSTANCES = 255;
    static final int GENERIC_READ = 0x80000000;
    static final int GENERIC_WRITE = 0x40000000;
    static final int OPEN_EXISTING = 3;
    static final int SECURITY_SQOS_PRESENT = 0x00100000;
    static final int SECURITY_IDENTIFICATION = 0x00010000;

    /** {@code dwOpenMode} of a server instance. */
    static int openMode(boolean firstInstance) {
        return PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED | (firstInstance ? FILE_FLAG_FIRST_PIPE_INSTANCE : 0);
    }

    /** {@code dwPipeMode} of a server instance. */
    static final int PIPE_MODE = PIPE_REJECT_REMOTE_CLIENTS;

    /** {@code dwDesiredAccess} of a client end. */
    static final int CLIENT_ACCESS = GENERIC_READ | GENERIC_WRITE;

    /** {@code dwFlagsAndAttributes} of a client end. */
    static final int CLIENT_FLAGS = FILE_FLAG_OVERLAPPED | SECURITY_SQOS_PRESENT | SECURITY_IDENTIFICATION;

    /** Size of each direction's pipe buffer, and the most bytes one read or write moves. */
    static final int BUFFER_SIZE = 64 * 1024;

    /**
     * {@code OVERLAPPED} (minwinbase.h) on 64-bit Windows: {@code ULONG_PTR Internal, InternalHigh}; a union of
     * {@code DWORD Offset, OffsetHigh} and {@code PVOID Pointer}; {@code HANDLE hEvent}. Pure Java: building it looks
     * nothing up.
     */
    static final StructLayout OVERLAPPED = MemoryLayout.structLayout(
            JAVA_LONG.withName("Internal"),
            JAVA_LONG.withName("InternalHigh"),
            MemoryLayout.unionLayout(
                    MemoryLayout.structLayout(JAVA_INT.withName("Offset"), JAVA_INT.withName("OffsetHigh")),
                    ADDRESS.withName("Pointer")).withName("u"),
            ADDRESS.withName("hEvent")).withName("OVERLAPPED");

    /** Offset of {@code OVERLAPPED.hEvent}. */
    static final long OVERLAPPED_EVENT = OVERLAPPED.byteOffset(MemoryLayout.PathElement.groupElement("hEvent"));

    private static final long INVALID_HANDLE_VALUE = -1L;
    private static final int TRUE = 1;
    private static final int FALSE = 0;

    private final String osName;

    /** For the OS this JVM runs on. */
    public Kernel32PipeApi() {
        this(System.getProperty("os.name", ""));
    }

    /** @param osName the {@code os.name} to judge availability by (tests) */
    Kernel32PipeApi(String osName) {
        this.osName = requireNonNull(osName, "osName is null");
    }

    /** A Win32 {@code HANDLE}, kept as its address. */
    private record Kernel32Handle(long address) implements PipeHandle {}

    @Override
    public Availability availability() {
        if (!osName.startsWith("Windows")) {
            return Availability.unavailable("named pipes are a Windows transport and this is " + osName
                    + "; the Unix socket transport serves here (B-T1)");
        }
        return Availability.available();
    }

    @Override
    public PipeHandle createInstance(String pipeName, boolean firstInstance) throws IOException {
        requireWindows();
        return downcall("CreateNamedPipeW", (arena, state) -> {
            MemorySegment handle = (MemorySegment) Kernel32.CreateNamedPipeW.invokeExact(state,
                    arena.allocateFrom(pipeName, UTF_16LE), openMode(firstInstance), PIPE_MODE,
                    PIPE_UNLIMITED_INSTANCES, BUFFER_SIZE, BUFFER_SIZE, 0, MemorySegment.NULL);
            if (handle.address() == INVALID_HANDLE_VALUE) {
                int error = Kernel32.lastError(state);
                if (firstInstance && error == Win32Error.ERROR_ACCESS_DENIED) {
                    throw new PipeNameTakenException(pipeName);
                }
                throw new PipeException("CreateNamedPipeW", error, pipeName);
            }
            return new Kernel32Handle(handle.address());
        });
    }

    @Override
    public void awaitClient(PipeHandle instance) throws IOException {
        MemorySegment handle = handle(instance);
        overlapped("ConnectNamedPipe", handle, Win32Error.ERROR_PIPE_CONNECTED,
                (state, ov) -> (int) Kernel32.ConnectNamedPipe.invokeExact(state, handle, ov));
    }

    @Override
    public long clientProcessId(PipeHandle instance) throws IOException {
        MemorySegment handle = handle(instance);
        return downcall("GetNamedPipeClientProcessId", (arena, state) -> {
            MemorySegment pid = arena.allocate(JAVA_INT);
            int ok = (int) Kernel32.GetNamedPipeClientProcessId.invokeExact(state, handle, pid);
            if (ok == FALSE) {
                throw new PipeException("GetNamedPipeClientProcessId", Kernel32.lastError(state), "server instance");
            }
            return Integer.toUnsignedLong(pid.get(JAVA_INT, 0));
        });
    }

    @Override
    public PipeHandle openClient(String pipeName) throws IOException {
        requireWindows();
        return downcall("CreateFileW", (arena, state) -> {
            MemorySegment handle = (MemorySegment) Kernel32.CreateFileW.invokeExact(state,
                    arena.allocateFrom(pipeName, UTF_16LE), CLIENT_ACCESS, 0, MemorySegment.NULL, OPEN_EXISTING,
                    CLIENT_FLAGS, MemorySegment.NULL);
            if (handle.address() == INVALID_HANDLE_VALUE) {
                int error = Kernel32.lastError(state);
                switch (error) {
                    case Win32Error.ERROR_FILE_NOT_FOUND -> throw new NoSuchFileException(pipeName, null,
                            "no pipe of that name: no daemon serves it");
                    case Win32Error.ERROR_PIPE_BUSY -> throw new PipeBusyException("CreateFileW", pipeName);
                    default -> throw new PipeException("CreateFileW", error, pipeName);
                }
            }
            return new Kernel32Handle(handle.address());
        });
    }

    @Override
    public boolean waitForInstance(String pipeName, Duration timeout) throws IOException {
        requireWindows();
        // NMPWAIT_USE_DEFAULT_WAIT is 0 and NMPWAIT_WAIT_FOREVER is 0xFFFFFFFF: stay strictly between them
        int millis = (int) Math.clamp(timeout.toMillis(), 1L, 0xFFFF_FFFEL);
        return downcall("WaitNamedPipeW", (arena, state) -> {
            int ok = (int) Kernel32.WaitNamedPipeW.invokeExact(state, arena.allocateFrom(pipeName, UTF_16LE), millis);
            if (ok != FALSE) {
                return true;
            }
            int error = Kernel32.lastError(state);
            return switch (error) {
                case Win32Error.ERROR_SEM_TIMEOUT -> false;
                case Win32Error.ERROR_FILE_NOT_FOUND -> throw new NoSuchFileException(pipeName, null,
                        "no pipe of that name: no daemon serves it");
                default -> throw new PipeException("WaitNamedPipeW", error, pipeName);
            };
        });
    }

    @Override
    public int read(PipeHandle pipe, byte[] buffer, int offset, int length) throws IOException {
        MemorySegment handle = handle(pipe);
        int chunk = Math.min(length, BUFFER_SIZE);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment nativeBuffer = arena.allocate(chunk);
            int n = overlapped("ReadFile", handle, 0,
                    (state, ov) -> (int) Kernel32.ReadFile.invokeExact(state, handle, nativeBuffer, chunk, MemorySegment.NULL, ov));
            MemorySegment.copy(nativeBuffer, JAVA_BYTE, 0, buffer, offset, n);
            return n;
        } catch (PipeException e) {
            if (e.isBrokenPipe()) {
                return -1; // the peer closed and everything it wrote has been read
            }
            throw e;
        }
    }

    @Override
    public void write(PipeHandle pipe, byte[] buffer, int offset, int length) throws IOException {
        MemorySegment handle = handle(pipe);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment nativeBuffer = arena.allocate(Math.min(length, BUFFER_SIZE));
            int done = 0;
            while (done < length) {
                int chunk = Math.min(length - done, BUFFER_SIZE);
                MemorySegment.copy(buffer, offset + done, nativeBuffer, JAVA_BYTE, 0, chunk);
                int written = overlapped("WriteFile", handle, 0,
                        (state, ov) -> (int) Kernel32.WriteFile.invokeExact(state, handle, nativeBuffer, chunk, MemorySegment.NULL, ov));
                if (written <= 0) {
                    throw new PipeException("WriteFile", Win32Error.ERROR_NO_DATA, "wrote nothing of " + chunk + " bytes");
                }
                done += written;
            }
        }
    }

    @Override
    public void cancelIo(PipeHandle pipe) {
        MemorySegment handle = handle(pipe);
        try (Arena arena = Arena.ofConfined()) {
            // FALSE with ERROR_NOT_FOUND just means nothing was pending
            int ignored = (int) Kernel32.CancelIoEx.invokeExact(arena.allocate(Kernel32.CAPTURE_STATE), handle,
                    MemorySegment.NULL);
        } catch (Throwable t) {
            throw new IllegalStateException("CancelIoEx downcall failed", t);
        }
    }

    @Override
    public void closeHandle(PipeHandle pipe) {
        MemorySegment handle = handle(pipe);
        try (Arena arena = Arena.ofConfined()) {
            int ignored = (int) Kernel32.CloseHandle.invokeExact(arena.allocate(Kernel32.CAPTURE_STATE), handle);
        } catch (Throwable t) {
            throw new IllegalStateException("CloseHandle downcall failed", t);
        }
    }

    @FunctionalInterface
    private interface Downcall<T> {
        /** Makes the call; {@code state} captures its last error ({@link Kernel32#lastError}). */
        T call(Arena arena, MemorySegment state) throws Throwable;
    }

    /**
     * Makes one downcall in a confined arena with a captured-state segment, both freed when it returns.
     *
     * @throws IOException what the call threw (runtime exceptions and errors pass as they are)
     * @throws IllegalStateException {@code "<function> downcall failed"} for anything else {@code invokeExact} threw
     */
    private static <T> T downcall(String function, Downcall<T> call) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            return call.call(arena, arena.allocate(Kernel32.CAPTURE_STATE));
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(function + " downcall failed", t);
        }
    }

    @FunctionalInterface
    private interface OverlappedCall {
        /** Issues the call with {@code overlapped}; returns its BOOL. */
        int issue(MemorySegment state, MemorySegment overlapped) throws Throwable;
    }

    /**
     * Issues an overlapped call and waits for it to complete (or be cancelled).
     *
     * @param doneAtOnce an error code that means the call had nothing to wait for ({@code ERROR_PIPE_CONNECTED}),
     *        or 0 for none
     * @return the bytes transferred
     * @throws PipeException with the call's error, {@code ERROR_OPERATION_ABORTED} when cancelled
     */
    private static int overlapped(String function, MemorySegment handle, int doneAtOnce, OverlappedCall call)
            throws PipeException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Kernel32.CAPTURE_STATE);
            MemorySegment event = (MemorySegment) Kernel32.CreateEventW.invokeExact(state, MemorySegment.NULL, TRUE,
                    FALSE, MemorySegment.NULL);
            if (event.address() == 0) {
                throw new PipeException("CreateEventW", Kernel32.lastError(state), "event for " + function);
            }
            try {
                MemorySegment ov = arena.allocate(OVERLAPPED); // zeroed, as OVERLAPPED must be
                ov.set(ADDRESS, OVERLAPPED_EVENT, event);
                if (call.issue(state, ov) == FALSE) {
                    int error = Kernel32.lastError(state);
                    if (doneAtOnce != 0 && error == doneAtOnce) {
                        return 0;
                    }
                    if (error != Win32Error.ERROR_IO_PENDING) {
                        throw new PipeException(function, error, "pipe I/O");
                    }
                }
                MemorySegment transferred = arena.allocate(JAVA_INT);
                int ok = (int) Kernel32.GetOverlappedResult.invokeExact(state, handle, ov, transferred, TRUE);
                if (ok == FALSE) {
                    throw new PipeException(function, Kernel32.lastError(state), "pipe I/O");
                }
                return transferred.get(JAVA_INT, 0);
            } finally {
                int ignored = (int) Kernel32.CloseHandle.invokeExact(state, event);
            }
        } catch (PipeException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(function + " downcall failed", t);
        }
    }

    private MemorySegment handle(PipeHandle pipe) {
        requireWindows();
        if (!(pipe instanceof Kernel32Handle(long address))) {
            throw new IllegalArgumentException("not a handle of this API: " + pipe);
        }
        return MemorySegment.ofAddress(address);
    }

    private void requireWindows() {
        Availability availability = availability();
        if (!availability.isAvailable()) {
            throw new UnsupportedOperationException(availability.reason());
        }
    }
}
