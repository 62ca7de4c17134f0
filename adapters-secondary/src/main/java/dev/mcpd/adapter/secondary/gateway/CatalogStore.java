package dev.mcpd.adapter.secondary.gateway;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.mcpd.domain.model.gateway.ServerConfig;
import dev.mcpd.domain.text.Sha256;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;

/**
 * Each server's last catalog (its {@code tools/list}, prompts and resources, as the gateway renders them) kept in the
 * state dir, so that a new session's first {@code tools/list} answers from it without starting anything (ADR 0016,
 * decision 5; hosts treat the first list as final). A file is {@code <dir>/<server hash>.json}: the first line is the
 * hash of the configuration it was taken with, the rest the catalog. A catalog taken with another configuration (a
 * changed command, args, env, cwd or mode) is not returned. Writes are atomic (a temporary file, then a rename) and
 * owner-only (0600).
 */
public final class CatalogStore {

    private final Path dir;

    /** @param dir the directory, created on the first write (0700) */
    public CatalogStore(Path dir) {
        this.dir = dir;
    }

    /** Keeps {@code catalog} (UTF-8 JSON) as {@code config}'s latest. */
    public void write(ServerConfig config, byte[] catalog) throws IOException {
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path file = file(config);
        Path temporary = Files.createTempFile(dir, ".catalog-", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            byte[] header = (configHash(config) + "\n").getBytes(UTF_8);
            byte[] content = new byte[header.length + catalog.length];
            System.arraycopy(header, 0, content, 0, header.length);
            System.arraycopy(catalog, 0, content, header.length, catalog.length);
            Files.write(temporary, content);
            try {
                Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /** @return {@code config}'s catalog if one was kept with this very configuration; empty otherwise */
    public Optional<byte[]> read(ServerConfig config) throws IOException {
        byte[] content;
        try {
            content = Files.readAllBytes(file(config));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        String hash = configHash(config);
        int newline = indexOf(content, (byte) '\n');
        if (newline < 0 || !new String(content, 0, newline, UTF_8).equals(hash)) {
            return Optional.empty();
        }
        byte[] catalog = new byte[content.length - newline - 1];
        System.arraycopy(content, newline + 1, catalog, 0, catalog.length);
        return Optional.of(catalog);
    }

    /**
     * @return a hash of what decides what a server offers: command, args, env, cwd and mode (not timeouts or
     *         {@code disabled}), as 64 hex digits
     */
    static String configHash(ServerConfig config) {
        StringBuilder canonical = new StringBuilder();
        canonical.append(config.command()).append('\0');
        config.args().forEach(a -> canonical.append("arg=").append(a).append('\0'));
        config.env().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> canonical.append("env=").append(e.getKey()).append('=').append(e.getValue()).append('\0'));
        canonical.append("cwd=").append(config.cwd().map(Path::toString).orElse("")).append('\0');
        canonical.append("mode=").append(config.mode().configName());
        return sha256(canonical.toString());
    }

    private Path file(ServerConfig config) {
        return dir.resolve(sha256(config.name()).substring(0, 32) + ".json");
    }

    private static String sha256(String text) {
        return Sha256.hex(text);
    }

    private static int indexOf(byte[] bytes, byte b) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
