/**
 * The TCP transport and connector on Vert.x, the only package that imports it: the token in the hello, keepalive on
 * both sides, optional TLS (ADR 0009, B-T3, B-T4).
 */
package dev.mcpd.adapter.primary.tcp;
