package dev.mcpd.domain.model;

import static java.util.Objects.requireNonNull;

/**
 * Where a transport listens: a socket path, a pipe name or a {@code host:port}.
 *
 * <p>Rendered as {@code <scheme>://<address>}, e.g. {@code unix:///run/user/1000/mcpd/daemon.sock} or
 * {@code tcp://127.0.0.1:41234}; this is the form kept in {@code daemon.json} (B-S2).
 *
 * @param kind the transport kind
 * @param address the kind-specific address, never blank
 */
public record Endpoint(TransportKind kind, String address) {

    public Endpoint {
        requireNonNull(kind, "kind is null");
        requireNonNull(address, "address is null");
        if (address.isBlank()) {
            throw new IllegalArgumentException("endpoint address is blank");
        }
    }

    /**
     * Parses the {@code <scheme>://<address>} form.
     *
     * @throws IllegalArgumentException if the scheme is unknown or the address is missing
     */
    public static Endpoint parse(String uri) {
        requireNonNull(uri, "uri is null");
        int sep = uri.indexOf("://");
        if (sep <= 0) {
            throw new IllegalArgumentException("not an endpoint (expected scheme://address): " + uri);
        }
        String scheme = uri.substring(0, sep);
        for (TransportKind kind : TransportKind.values()) {
            if (kind.scheme().equals(scheme)) {
                return new Endpoint(kind, uri.substring(sep + 3));
            }
        }
        throw new IllegalArgumentException("unknown endpoint scheme '" + scheme + "' in " + uri);
    }

    @Override
    public String toString() {
        return kind.scheme() + "://" + address;
    }
}
