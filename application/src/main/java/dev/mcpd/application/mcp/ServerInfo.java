package dev.mcpd.application.mcp;

import static java.util.Objects.requireNonNull;

/**
 * What the server says about itself in the {@code initialize} result.
 *
 * @param name the implementation name, {@code mcpd}
 * @param version the build version
 * @param instructions guidance for the model on how to use the server, or {@code null}
 */
public record ServerInfo(String name, String version, String instructions) {

    public ServerInfo {
        requireNonNull(name, "name is null");
        requireNonNull(version, "version is null");
    }
}
