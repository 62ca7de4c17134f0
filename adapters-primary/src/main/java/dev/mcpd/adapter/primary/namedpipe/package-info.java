/**
 * The Windows named-pipe transport and connector, on {@code kernel32} through FFM, behind a {@code PipeApi} that tests
 * replace with a fake of the Win32 semantics (ADR 0008, B-T2).
 */
package dev.mcpd.adapter.primary.namedpipe;
