package dev.mcpd.adapter.primary.namedpipe;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;

/**
 * The pipe semantics contract against the in-memory fake, which stands in for Windows here (this machine has none);
 * {@code Kernel32PipeApiWindowsTest} runs the same contract against the real calls on Windows.
 */
@DisplayName("PipeApi contract on the in-memory fake (stands in for Windows, which this machine lacks)")
class InMemoryPipeApiTest extends PipeApiContract {

    private static final long PROXY_PID = 4242;

    private final InMemoryPipeApi daemon = new InMemoryPipeApi();
    private final InMemoryPipeApi proxy = daemon.process(PROXY_PID);

    @Override
    protected PipeApi server() {
        return daemon;
    }

    @Override
    protected PipeApi client() {
        return proxy;
    }

    @Override
    protected long clientPid() {
        return PROXY_PID;
    }

    @AfterEach
    void noHandleWasMisused() {
        assertThat(daemon.kernel().violations()).isEmpty();
    }
}
