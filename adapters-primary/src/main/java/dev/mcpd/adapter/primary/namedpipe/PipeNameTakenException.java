package dev.mcpd.adapter.primary.namedpipe;

/**
 * {@code CreateNamedPipeW} with {@code FILE_FLAG_FIRST_PIPE_INSTANCE} failed with {@code ERROR_ACCESS_DENIED}:
 * another process already has an instance of the pipe name: a second daemon of the scope, or a squatter waiting
 * for proxies to connect to it (B-T2). The daemon does not serve on that name.
 */
public final class PipeNameTakenException extends PipeException {

    private static final long serialVersionUID = 1L;

    /** @param pipeName the name that is taken */
    public PipeNameTakenException(String pipeName) {
        super("CreateNamedPipeW", Win32Error.ERROR_ACCESS_DENIED, pipeName
                + " already exists: another process (a second daemon, or a squatter) owns it; refusing to serve on it (B-T2)");
    }
}
