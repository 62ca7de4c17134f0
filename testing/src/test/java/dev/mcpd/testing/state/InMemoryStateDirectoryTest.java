package dev.mcpd.testing.state;

import dev.mcpd.domain.port.StateDirectory;

/** The in-memory fake passes the same {@link StateDirectoryContract} as {@code FileStateDirectory}. */
class InMemoryStateDirectoryTest extends StateDirectoryContract {

    @Override
    protected StateDirectory newStateDirectory() {
        return new InMemoryStateDirectory();
    }

    @Override
    protected void breakIntegrity(StateDirectory state) {
        ((InMemoryStateDirectory) state).reportIntegrityProblem(state.root().resolve("daemon.lock") + " was removed");
    }
}
