package dev.mcpd.bootstrap;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Ends the proxy process at once (hosts report section 3(b), ADR 0012). {@code System.exit} and even
 * {@code Runtime.halt} take about 300 ms while a thread sits in native code (the proxy's stdin read, the NIO
 * poller): HotSpot's exit waits for such threads before it ends the process. Claude Code SIGKILLs its server
 * 500 ms after SIGINT and waits for it to exit, so the proxy calls the C library's {@code _exit(2)} through the
 * FFM API instead, after its answers are flushed and its connections closed. Where {@code _exit} cannot be had,
 * it falls back to {@link Runtime#halt}.
 */
final class ProcessExit {

    private static volatile MethodHandle exit;

    private ProcessExit() {}

    /** Looks {@code _exit} up ahead of time, off the start-up path (the first FFM link takes tens of ms). */
    static void prepare() {
        Thread.ofVirtual().name("process-exit-prepare").start(ProcessExit::handle);
    }

    /**
     * Flushes {@code stdout}, then ends the process with {@code code}; never returns. Shutdown hooks do not run: the
     * proxy has closed what it owns by then.
     */
    static void now(int code, OutputStream stdout) {
        try {
            stdout.flush();
        } catch (IOException e) {
            // the host closed its end: nothing left to deliver
        }
        MethodHandle handle = handle();
        if (handle != null) {
            try {
                handle.invokeExact(code);
            } catch (Throwable e) {
                // fall through to halt
            }
        }
        Runtime.getRuntime().halt(code);
    }

    private static MethodHandle handle() {
        MethodHandle h = exit;
        if (h == null && ProcessExit.class.getModule().isNativeAccessEnabled()) { // else the JVM warns on stderr (B-G7)
            try {
                Linker linker = Linker.nativeLinker();
                h = linker.defaultLookup().find("_exit")
                        .map(symbol -> linker.downcallHandle(symbol, FunctionDescriptor.ofVoid(ValueLayout.JAVA_INT)))
                        .orElse(null);
            } catch (RuntimeException e) { // IllegalCallerException without native access
                h = null;
            }
            exit = h;
        }
        return h;
    }
}
