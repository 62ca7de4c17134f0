/**
 * The Unix-domain socket transport (junixsocket, with the peer's credentials from the kernel) and the proxy's connector
 * (the JDK's channels) (ADR 0004, B-T2).
 */
package dev.mcpd.adapter.primary.unixsocket;
