package dev.mcpd.bootstrap;

import dev.mcpd.adapter.secondary.state.FileStateDirectory;
import dev.mcpd.domain.model.AccessToken;
import dev.mcpd.domain.model.DaemonRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads the TCP token a proxy presents (B-T3) from {@code --token-file}: the daemon's own {@code daemon.json} (a
 * state dir shared with a container, say), or a file holding the 64 hex digits alone.
 */
final class TokenFile {

    private TokenFile() {}

    /**
     * @throws IOException if the file cannot be read
     * @throws IllegalArgumentException naming the file, if it holds no usable token
     */
    static AccessToken read(Path file) throws IOException {
        String text = Files.readString(file);
        if (!text.stripLeading().startsWith("{")) {
            try {
                return AccessToken.parse(text);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("token file " + file + ": " + e.getMessage(), e);
            }
        }
        Path dir = file.toAbsolutePath().getParent();
        if (!file.getFileName().toString().equals("daemon.json")) {
            throw new IllegalArgumentException("token file " + file + " holds JSON but is not a daemon.json");
        }
        DaemonRecord record = new FileStateDirectory(dir).readRecord().orElseThrow(
                () -> new IllegalArgumentException("token file " + file + " is not a readable daemon record"));
        if (record.token() == null) {
            throw new IllegalArgumentException("daemon record " + file + " has no token: the daemon of pid "
                    + record.pid().value() + " does not listen on TCP (set MCPD_TCP_LISTEN)");
        }
        return AccessToken.parse(record.token());
    }
}
