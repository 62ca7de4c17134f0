/**
 * The {@link dev.mcpd.domain.port.StateDirectory} port's contract ({@link dev.mcpd.testing.state.StateDirectoryContract})
 * and its in-memory fake ({@link dev.mcpd.testing.state.InMemoryStateDirectory}), which the contract holds to the
 * same semantics as the file implementation.
 */
package dev.mcpd.testing.state;
