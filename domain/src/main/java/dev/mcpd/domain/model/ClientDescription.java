package dev.mcpd.domain.model;

/**
 * What a client said about itself that the daemon shows but never acts on (ADR 0011).
 *
 * @param role the hello's {@code role}: {@link #ROLE_CLI} for a one-shot {@code mcpd} command (such as
 *     {@code mcpd daemon status}), {@code null} for a proxy or a client that did not say
 * @param reportedProxyPid the hello's {@code pid} when the daemon could not check it (a TCP peer has no kernel pid:
 *     its pids name processes in another pid namespace, review finding 10), else {@code null}
 * @param reportedHostPid the hello's {@code hostPid} under the same rule, else {@code null}
 */
public record ClientDescription(String role, Long reportedProxyPid, Long reportedHostPid) {

    /** The role of a one-shot CLI command's connection. */
    public static final String ROLE_CLI = "cli";

    /** Nothing said. */
    public static final ClientDescription NONE = new ClientDescription(null, null, null);

    /** Whether this is a one-shot CLI command's connection rather than a session. */
    public boolean isCli() {
        return ROLE_CLI.equals(role);
    }
}
