/**
 * Value records of the {@code HyperdClient} port: query results and their columns, table references and descriptions,
 * attached databases, CSV loads and the server's status.
 */
package dev.mcpd.domain.model.hyperd;
