/**
 * The composition root: {@code Main}, {@code McpdCli} (the proxy wired by hand, the daemon by Guice),
 * {@code DaemonModule}, {@code Engines}, the configuration ({@code McpdConfig}, {@code TcpConfig}) and {@code Doctor}
 * (ADR 0005).
 */
package dev.mcpd.bootstrap;
