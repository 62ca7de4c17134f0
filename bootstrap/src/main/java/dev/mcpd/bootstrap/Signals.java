package dev.mcpd.bootstrap;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import sun.misc.Signal;

/**
 * Turns SIGTERM, SIGINT and SIGHUP into a stop request (B-E1), so that a signal takes the same ordered shutdown path
 * as {@code mcpd daemon stop} and the process exits 0, rather than the JVM's 143 (or 129 for a foreground
 * {@code mcpd daemon run} whose terminal closed; review finding 23). The second of these signals, whichever they
 * are, forces the shutdown instead of being ignored (review finding 2, ADR 0010).
 */
final class Signals {

    /** The signals that stop the daemon, in the order they are installed. */
    static final List<String> STOP_SIGNALS = List.of("TERM", "INT", "HUP");

    private Signals() {}

    /**
     * Installs the handlers.
     *
     * @param stop called with {@code "SIGTERM"} (or the signal's name) on the first signal; must return at once
     * @param force called with {@code "second signal: SIGINT"} (or the like) on every later one; must return at once
     * @return the names of the signals handled on this platform
     */
    static List<String> onTerminate(Consumer<String> stop, Consumer<String> force) {
        AtomicInteger received = new AtomicInteger();
        List<String> handled = new ArrayList<>();
        for (String name : STOP_SIGNALS) {
            try {
                Signal.handle(new Signal(name), signal -> {
                    String what = "SIG" + signal.getName();
                    if (received.getAndIncrement() == 0) {
                        stop.accept(what);
                    } else {
                        force.accept("second signal: " + what);
                    }
                });
                handled.add(name);
            } catch (IllegalArgumentException e) {
                // the platform has no such signal (Windows has no HUP), or the JVM reserves it
            }
        }
        return List.copyOf(handled);
    }
}
