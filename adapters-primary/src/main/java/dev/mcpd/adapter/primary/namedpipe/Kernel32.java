package dev.mcpd.adapter.primary.namedpipe;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The {@code kernel32.dll} downcalls, bound when this class is first initialised, which only
 * {@link Kernel32PipeApi} does, and only on Windows (house rule 5: no native lookup where it cannot work).
 *
 * <p>Every handle captures {@code GetLastError} right after the call ({@code Linker.Option.captureCallState}),
 * because the JVM may itself make Win32 calls that overwrite it before Java code could ask. So each method handle
 * takes a capture-state segment ({@link #CAPTURE_STATE}) as its first argument. Types follow the Win32 headers on
 * 64-bit Windows: {@code HANDLE} and pointers are {@code ADDRESS}, {@code DWORD}, {@code ULONG} and {@code BOOL}
 * are {@code JAVA_INT}.
 *
 * <p>Looking up a library and linking a downcall are restricted methods: the JVM that runs them needs
 * {@code --enable-native-access=ALL-UNNAMED} (or {@code Enable-Native-Access: ALL-UNNAMED} in the launched jar's
 * manifest), else the JDK prints a warning on stderr, which a proxy must not (B-G7).
 */
@SuppressWarnings("restricted") // deliberate: this class is the one place that links native code (ADR 0008)
final class Kernel32 {

    private Kernel32() {}

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup KERNEL32 = SymbolLookup.libraryLookup("kernel32", Arena.global());
    private static final Linker.Option CAPTURE = Linker.Option.captureCallState("GetLastError");

    /** The layout of the capture-state segment every call here takes first. */
    static final StructLayout CAPTURE_STATE = Linker.Option.captureStateLayout();

    private static final VarHandle LAST_ERROR =
            CAPTURE_STATE.varHandle(MemoryLayout.PathElement.groupElement("GetLastError"));

    /** {@code HANDLE CreateNamedPipeW(LPCWSTR, DWORD openMode, DWORD pipeMode, DWORD maxInstances, DWORD outSize, DWORD inSize, DWORD defaultTimeout, LPSECURITY_ATTRIBUTES)}. */
    static final MethodHandle CreateNamedPipeW = bind("CreateNamedPipeW", FunctionDescriptor.of(ADDRESS,
            ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));

    /** {@code BOOL ConnectNamedPipe(HANDLE, LPOVERLAPPED)}. */
    static final MethodHandle ConnectNamedPipe = bind("ConnectNamedPipe", FunctionDescriptor.of(JAVA_INT,
            ADDRESS, ADDRESS));

    /** {@code HANDLE CreateFileW(LPCWSTR, DWORD access, DWORD shareMode, LPSECURITY_ATTRIBUTES, DWORD disposition, DWORD flags, HANDLE template)}. */
    static final MethodHandle CreateFileW = bind("CreateFileW", FunctionDescriptor.of(ADDRESS,
            ADDRESS, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS));

    /** {@code BOOL WaitNamedPipeW(LPCWSTR, DWORD timeoutMillis)}. */
    static final MethodHandle WaitNamedPipeW = bind("WaitNamedPipeW", FunctionDescriptor.of(JAVA_INT,
            ADDRESS, JAVA_INT));

    /** {@code BOOL ReadFile(HANDLE, LPVOID, DWORD, LPDWORD, LPOVERLAPPED)}. */
    static final MethodHandle ReadFile = bind("ReadFile", FunctionDescriptor.of(JAVA_INT,
            ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS));

    /** {@code BOOL WriteFile(HANDLE, LPCVOID, DWORD, LPDWORD, LPOVERLAPPED)}. */
    static final MethodHandle WriteFile = bind("WriteFile", FunctionDescriptor.of(JAVA_INT,
            ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS));

    /** {@code BOOL GetOverlappedResult(HANDLE, LPOVERLAPPED, LPDWORD, BOOL wait)}. */
    static final MethodHandle GetOverlappedResult = bind("GetOverlappedResult", FunctionDescriptor.of(JAVA_INT,
            ADDRESS, ADDRESS, ADDRESS, JAVA_INT));

    /** {@code BOOL CancelIoEx(HANDLE, LPOVERLAPPED)}. */
    static final MethodHandle CancelIoEx = bind("CancelIoEx", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));

    /** {@code BOOL CloseHandle(HANDLE)}. */
    static final MethodHandle CloseHandle = bind("CloseHandle", FunctionDescriptor.of(JAVA_INT, ADDRESS));

    /** {@code BOOL GetNamedPipeClientProcessId(HANDLE, PULONG)}. */
    static final MethodHandle GetNamedPipeClientProcessId = bind("GetNamedPipeClientProcessId",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));

    /** {@code HANDLE CreateEventW(LPSECURITY_ATTRIBUTES, BOOL manualReset, BOOL initialState, LPCWSTR name)}. */
    static final MethodHandle CreateEventW = bind("CreateEventW", FunctionDescriptor.of(ADDRESS,
            ADDRESS, JAVA_INT, JAVA_INT, ADDRESS));

    /** The {@code GetLastError} value captured in {@code state} by the last call made with it. */
    static int lastError(MemorySegment state) {
        return (int) LAST_ERROR.get(state, 0L);
    }

    private static MethodHandle bind(String function, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(KERNEL32.findOrThrow(function), descriptor, CAPTURE);
    }
}
