package dev.mcpd.bootstrap;

import java.util.function.Consumer;
import sun.misc.Signal;

/**
 * Turns SIGTERM and SIGINT into a stop request (B-E1), so that a signal takes the same ordered shutdown path as
 * {@code mcpd daemon stop} and the process exits 0, rather than the JVM's 143.
 */
final class Signals {

    private Signals() {}

    static void onTerminate(Consumer<String> stop) {
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                Signal.handle(new Signal(name), signal -> stop.accept("SIG" + signal.getName()));
            } catch (IllegalArgumentException e) {
                // the platform has no such signal
            }
        }
    }
}
