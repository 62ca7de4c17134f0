/**
 * What the socket transports share: the threads that serve one client connection and close it without waiting for the
 * peer (B-C1), and the connection a client side holds.
 */
package dev.mcpd.adapter.primary.socket;
