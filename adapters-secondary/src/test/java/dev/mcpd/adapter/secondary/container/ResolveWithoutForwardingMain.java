package dev.mcpd.adapter.secondary.container;

import java.util.Map;

/** Prints what {@link ContainerHostResolver#system()} resolves for a caller that forwards nothing. */
public final class ResolveWithoutForwardingMain {

    private ResolveWithoutForwardingMain() {}

    public static void main(String[] args) {
        ContainerHost host = ContainerHostResolver.system().resolve(Map.of());
        System.out.println(host.endpoint() + " " + host.source());
    }
}
