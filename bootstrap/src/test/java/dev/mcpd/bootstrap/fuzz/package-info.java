/**
 * The Jazzer fuzz test of the daemon's wire path, run on its seeds in a normal build (docs/reliability.md, B-X1).
 */
package dev.mcpd.bootstrap.fuzz;
