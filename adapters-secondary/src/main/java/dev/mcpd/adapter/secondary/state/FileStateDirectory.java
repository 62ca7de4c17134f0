package dev.mcpd.adapter.secondary.state;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpd.domain.model.DaemonRecord;
import dev.mcpd.domain.model.Endpoint;
import dev.mcpd.domain.model.Pid;
import dev.mcpd.domain.port.StateDirectory;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@link StateDirectory} on the file system: an OS file lock on {@code daemon.lock}, {@code daemon.json} written to
 * a private temp file and renamed over the old one (B-S1, B-S2, B-S6).
 */
public final class FileStateDirectory implements StateDirectory {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path root;

    public FileStateDirectory(Path root) {
        this.root = requireNonNull(root, "root is null").toAbsolutePath();
    }

    /**
     * The default state dir (B-S6): {@code $XDG_RUNTIME_DIR/mcpd} when that runtime dir exists, else
     * {@code <home>/.mcpd/run}, where home comes from the JVM's {@code user.home} (the password database on
     * Linux), not from a shell's {@code HOME}.
     */
    public static Path defaultRoot(String xdgRuntimeDir) {
        if (xdgRuntimeDir != null && !xdgRuntimeDir.isBlank() && Files.isDirectory(Path.of(xdgRuntimeDir))) {
            return Path.of(xdgRuntimeDir, "mcpd");
        }
        return Path.of(System.getProperty("user.home"), ".mcpd", "run");
    }

    @Override
    public Path root() {
        return root;
    }

    @Override
    public Path socketPath() {
        return root.resolve("daemon.sock");
    }

    @Override
    public Path logPath() {
        return root.resolve("daemon.log");
    }

    private Path recordPath() {
        return root.resolve("daemon.json");
    }

    @Override
    public void prepare() throws IOException {
        Files.createDirectories(root);
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx------"));
    }

    @Override
    public Optional<ScopeLock> tryLock() throws IOException {
        FileChannel channel = FileChannel.open(root.resolve("daemon.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // held by this very JVM
        }
        if (lock == null) {
            channel.close();
            return Optional.empty();
        }
        FileLock held = lock;
        return Optional.of(() -> {
            try {
                held.release();
                channel.close();
            } catch (IOException e) {
                // the OS releases the lock when the channel or the process goes
            }
        });
    }

    @Override
    public Optional<DaemonRecord> readRecord() {
        try {
            byte[] bytes = Files.readAllBytes(recordPath());
            JsonNode node = JSON.readTree(bytes);
            List<Endpoint> endpoints = new ArrayList<>();
            for (JsonNode e : node.path("endpoints")) {
                endpoints.add(Endpoint.parse(e.asText()));
            }
            String processStart = node.path("processStartedAt").asText(null);
            Pid pid = new Pid(node.path("pid").asLong(), processStart == null ? null : Instant.parse(processStart));
            return Optional.of(new DaemonRecord(pid, node.path("version").asText(), node.path("scope").asText(),
                    endpoints, Instant.parse(node.path("startedAt").asText()), node.path("token").asText(null)));
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // missing, torn or foreign: treated as no record (B-S3)
        }
    }

    @Override
    public void writeRecord(DaemonRecord record) throws IOException {
        ObjectNode node = JSON.createObjectNode();
        node.put("pid", record.pid().value());
        node.put("processStartedAt", record.pid().startedAt() == null ? null : record.pid().startedAt().toString());
        node.put("version", record.version());
        node.put("scope", record.scope());
        ArrayNode endpoints = node.putArray("endpoints");
        record.endpoints().forEach(e -> endpoints.add(e.toString()));
        node.put("startedAt", record.startedAt().toString());
        if (record.token() != null) {
            node.put("token", record.token());
        }
        Path temp = Files.createTempFile(root, "daemon.json.", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.write(temp, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(node));
            Files.move(temp, recordPath(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    @Override
    public void removeRecordAndSocket() {
        for (Path path : List.of(recordPath(), socketPath())) {
            try {
                Files.deleteIfExists(path);
            } catch (IOException e) {
                // nothing more to do; the next lock holder cleans up
            }
        }
    }
}
