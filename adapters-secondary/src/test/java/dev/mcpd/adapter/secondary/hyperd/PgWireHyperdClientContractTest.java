package dev.mcpd.adapter.secondary.hyperd;

import dev.mcpd.domain.contract.HyperdClientContract;
import dev.mcpd.domain.port.HyperdClient;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.io.TempDir;

/** {@link PgWireHyperdClient} passes the port's contract against a real hyperd. */
class PgWireHyperdClientContractTest extends HyperdClientContract {

    @TempDir
    Path dir;

    @Override
    protected HyperdClient newClient() {
        Clock clock = Clock.systemUTC();
        PgWireHyperdClientConfig config = PgWireHyperdClientConfig.defaults(dir);
        return new PgWireHyperdClient(new HyperdSupervisor(RealHyperd.binary(), config, clock), config, clock);
    }
}
