package dev.mcpd.adapter.primary.namedpipe;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The pipe semantics contract against the real {@code kernel32.dll} calls: runs only on Windows, where it checks that
 * the in-memory fake (which the rest of the named pipe tests use) behaves as Windows does. Both ends are in this JVM,
 * so the client pid is this process's.
 */
@EnabledOnOs(value = OS.WINDOWS, disabledReason = "named pipes and kernel32.dll exist only on Windows")
@DisplayName("PipeApi contract on Kernel32PipeApi (real Win32 calls, Windows only)")
class Kernel32PipeApiWindowsTest extends PipeApiContract {

    private final Kernel32PipeApi api = new Kernel32PipeApi();

    @Override
    protected PipeApi server() {
        return api;
    }

    @Override
    protected PipeApi client() {
        return api;
    }

    @Override
    protected long clientPid() {
        return ProcessHandle.current().pid();
    }
}
