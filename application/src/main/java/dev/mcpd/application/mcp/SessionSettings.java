package dev.mcpd.application.mcp;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * How an {@link McpServerSession} serves its client.
 *
 * @param serverInfo name, version and instructions for the {@code initialize} result (B-M1)
 * @param callTimeout the longest a tool call may run: its {@code CallContext} deadline
 * @param pageSize tools per {@code tools/list} page, at least 1 (B-M5)
 * @param maxCallsInFlight tool calls the client may have running at once, at least 1; {@link Integer#MAX_VALUE} for
 *     no cap (an in-process session serves one host). One more is refused with
 *     {@link McpServerSession#TOO_MANY_CALLS} (B-M8, B-B3)
 * @throws IllegalArgumentException when {@code pageSize} or {@code maxCallsInFlight} is below 1
 */
public record SessionSettings(ServerInfo serverInfo, Duration callTimeout, int pageSize, int maxCallsInFlight) {

    public SessionSettings {
        requireNonNull(serverInfo, "serverInfo is null");
        requireNonNull(callTimeout, "callTimeout is null");
        if (pageSize < 1) {
            throw new IllegalArgumentException("pageSize must be at least 1");
        }
        if (maxCallsInFlight < 1) {
            throw new IllegalArgumentException("maxCallsInFlight must be at least 1");
        }
    }

    /** Settings without a cap on calls in flight. */
    public static SessionSettings uncapped(ServerInfo serverInfo, Duration callTimeout, int pageSize) {
        return new SessionSettings(serverInfo, callTimeout, pageSize, Integer.MAX_VALUE);
    }
}
