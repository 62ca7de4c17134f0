/**
 * The {@link dev.mcpd.domain.port.JsonCodec} port's contract ({@link dev.mcpd.testing.json.JsonCodecContract}), run by
 * the production codec and by the application tests' codec so that both read and write JSON alike.
 */
package dev.mcpd.testing.json;
