package dev.mcpd.application.proxy;

import static java.util.Objects.requireNonNull;

import dev.mcpd.domain.model.ClientHello;
import java.util.Map;
import java.util.function.Supplier;

/**
 * How a {@link StdioProxy} serves its host.
 *
 * @param maxLineBytes the longest line accepted from the host, in bytes without the newline (B-C4)
 * @param reconnect the backoff between attempts to reach a daemon again after a loss (B-G5); {@link Backoff#none()}
 *     never reconnects ({@code MCPD_NO_DAEMON})
 * @param environment environment for in-process engines
 * @param hello makes the client hello sent to each daemon (B-W3, B-G6); called on every connect and rejoin, so that
 *     a token read from a file is current (B-G5, review finding 9)
 */
public record ProxySettings(int maxLineBytes, Backoff reconnect, Map<String, String> environment,
        Supplier<ClientHello> hello) {

    public ProxySettings {
        if (maxLineBytes < 1) {
            throw new IllegalArgumentException("maxLineBytes must be positive");
        }
        requireNonNull(reconnect, "reconnect is null");
        environment = Map.copyOf(requireNonNull(environment, "environment is null"));
        requireNonNull(hello, "hello is null");
    }
}
