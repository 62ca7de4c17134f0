/**
 * JMH benchmarks and the start-up, lifecycle, transport, hyperd, resilience and chaos harnesses against a real mcpd;
 * run by {@code scripts/bench.sh} and {@code scripts/chaos.sh} (docs/benchmarks.md, docs/reliability.md).
 */
package dev.mcpd.benchmarks;
