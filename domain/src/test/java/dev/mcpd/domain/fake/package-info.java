/**
 * Hand-written in-memory fakes of the ports ({@code InMemory*}), each passing its port's contract; tests use them
 * instead of mocks. Shipped in the domain's test-jar.
 */
package dev.mcpd.domain.fake;
