/**
 * The {@code HyperdClient} port over the PostgreSQL wire protocol (pgjdbc, HikariCP) and the supervisor of the hyperd
 * process; the only package that imports {@code java.sql} (ADR 0007, ADR 0013, B-B3).
 */
package dev.mcpd.adapter.secondary.hyperd;
