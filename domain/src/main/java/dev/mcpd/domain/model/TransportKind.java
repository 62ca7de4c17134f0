package dev.mcpd.domain.model;

/** The kinds of transport a daemon can listen on (B-T1). */
public enum TransportKind {
    /** A Unix domain socket in the state dir: the default on Linux and macOS. */
    UNIX_SOCKET("unix"),
    /** A Windows named pipe: the default on Windows. */
    NAMED_PIPE("pipe"),
    /** TCP (for a daemon in a container or on another host); token-protected (B-T3). */
    TCP("tcp"),
    /** An in-process pair of pipes: tests and the proxy's in-process fallback. */
    IN_MEMORY("memory");

    private final String scheme;

    TransportKind(String scheme) {
        this.scheme = scheme;
    }

    /** The URI scheme used in endpoints and in {@code daemon.json}, e.g. {@code unix}. */
    public String scheme() {
        return scheme;
    }
}
