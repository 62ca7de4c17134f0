package dev.mcpd.domain.port;

import dev.mcpd.domain.model.Endpoint;
import java.io.IOException;

/** Opens a client connection to a daemon endpoint (the proxy's side of a {@link Transport}). */
public interface DaemonConnector {

    /**
     * Connects to {@code endpoint}.
     *
     * @return an open connection; its {@link Connection#peer()} is unknown
     * @throws IOException if nothing accepts there (no daemon, a stale socket file)
     * @throws IllegalArgumentException if this connector does not speak the endpoint's transport kind
     */
    Connection connect(Endpoint endpoint) throws IOException;
}
