/**
 * Abstract contract tests, one per port ({@code *Contract}); every adapter and every in-memory fake extends its port's
 * contract, so a fake cannot drift from the real thing unnoticed. Shipped in the domain's test-jar.
 */
package dev.mcpd.domain.contract;
