package dev.mcpd.adapter.secondary.state;

import dev.mcpd.domain.port.StateDirectory.ScopeLock;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Another process contending for the scope lock (B-S1). Arguments: the state dir, then {@code hold} (take the lock
 * and keep it until stdin closes) or {@code try} (take it and exit). Prints {@code locked} or {@code busy}.
 */
public final class LockProbeMain {

    private LockProbeMain() {}

    public static void main(String[] args) throws Exception {
        FileStateDirectory state = new FileStateDirectory(Path.of(args[0]));
        Optional<ScopeLock> lock = state.tryLock();
        System.out.println(lock.isPresent() ? "locked" : "busy");
        System.out.flush();
        if (lock.isPresent() && args[1].equals("hold")) {
            while (System.in.read() >= 0) {
                // stdin carries nothing: the loop only waits for EOF, when the test lets go
            }
        }
        lock.ifPresent(ScopeLock::close);
    }
}
