package dev.mcpd.adapter.primary.namedpipe;

/**
 * One open end of a named pipe instance, as a {@link PipeApi} hands it out: a Win32 {@code HANDLE} for
 * {@link Kernel32PipeApi}, an in-memory object for a fake. Opaque to everything but the API that made it.
 */
public interface PipeHandle {}
