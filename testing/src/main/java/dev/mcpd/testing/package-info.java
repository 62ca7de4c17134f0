/**
 * Test support shared by the bootstrap integration tests, the Cucumber specs and the benchmarks: a real mcpd in a
 * private scope ({@link dev.mcpd.testing.McpdScope}, {@link dev.mcpd.testing.McpdProcess}), a JSON-RPC line client
 * over stdio or a Unix socket ({@link dev.mcpd.testing.LineClient}), and port contracts with their in-memory fakes.
 */
package dev.mcpd.testing;
