/**
 * The JSON codec on Jackson's streaming core ({@code JacksonJsonCodec}), shared by every transport and the proxy
 * (B-X1).
 */
package dev.mcpd.adapter.primary.wire;
