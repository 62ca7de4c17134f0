/**
 * The picocli commands ({@code daemon}, {@code serve}, {@code containers}, {@code doctor}) and the {@code CliBackend}
 * they call; with {@code stdio}, the only package that writes to stdout.
 */
package dev.mcpd.adapter.primary.cli;
