package dev.mcpd.adapter.secondary.hyperd;

import dev.mcpd.domain.contract.HyperdClientContract;
import dev.mcpd.domain.port.HyperdClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.io.TempDir;

/** {@link PgWireHyperdClient} passes the port's contract against a real hyperd. */
class PgWireHyperdClientContractTest extends HyperdClientContract {

    @TempDir
    Path dir;

    @Override
    protected HyperdClient newClient() {
        Clock clock = Clock.systemUTC();
        return new PgWireHyperdClient(new HyperdSupervisor(RealHyperd.binary(), dir.resolve("log"), Duration.ofSeconds(20),
                clock), PgWireHyperdClientConfig.defaults(dir), clock);
    }
}
