package dev.mcpd.domain.fake;

import dev.mcpd.domain.contract.HyperdClientContract;
import dev.mcpd.domain.model.hyperd.QueryResult;
import dev.mcpd.domain.model.hyperd.SqlColumn;
import dev.mcpd.domain.port.HyperdClient;
import java.time.Clock;
import java.util.List;

/** The fake passes the same contract as the real client. */
class InMemoryHyperdClientTest extends HyperdClientContract {

    @Override
    protected HyperdClient newClient() {
        return new InMemoryHyperdClient(Clock.systemUTC()).answer(SELECT_ONE,
                new QueryResult(List.of(new SqlColumn("one", "int4", null)), List.of(List.of(1L)), false));
    }
}
