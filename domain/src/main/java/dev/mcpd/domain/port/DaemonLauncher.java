package dev.mcpd.domain.port;

import java.io.IOException;

/**
 * Starts a daemon process for the current scope, detached from the caller: a new session, standard streams
 * to the daemon log, not a child that dies with the proxy (B-S3).
 */
public interface DaemonLauncher {

    /**
     * Launches {@code mcpd daemon run} and returns at once, without waiting for it to listen.
     *
     * @throws IOException if the process cannot be started
     */
    void launch() throws IOException;
}
