/**
 * The Cucumber step classes of the features under {@code src/test/resources/features} and the drivers they talk to
 * ({@code *World}): real daemons, proxies and peers, never internals.
 */
package dev.mcpd.bdd;
