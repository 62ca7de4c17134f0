package dev.mcpd.bootstrap.it;

import dev.mcpd.testing.McpdScope;
import java.io.IOException;
import java.time.Duration;

/** The scope every integration test starts from: the diagnostics engine, and a daemon idle timeout of 60 s. */
final class ItScope {

    /** The name the tests' MCP sessions give as {@code clientInfo.name}. */
    static final String CLIENT = "mcpd-it";
    /** How long {@code initialize} may take: the first session of a scope cold-starts the daemon. */
    static final Duration INITIALIZE = Duration.ofSeconds(30);
    /** How long {@code daemon_status} may take. */
    static final Duration STATUS = Duration.ofSeconds(10);

    private ItScope() {}

    static McpdScope create() throws IOException {
        return McpdScope.create("mcpd-it-").env("MCPD_ENGINES", "diagnostics").env("MCPD_DAEMON_IDLE_TIMEOUT", "60s");
    }
}
