package dev.mcpd.adapter.secondary.state;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.mcpd.domain.model.DaemonRecord;
import dev.mcpd.domain.model.Endpoint;
import dev.mcpd.domain.model.Pid;
import dev.mcpd.domain.port.StateDirectory;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link StateDirectory} on the file system: an OS file lock on {@code daemon.lock}, {@code daemon.json} written to
 * a private temp file and renamed over the old one (B-S1, B-S2, B-S6).
 *
 * <p>The record is read and written with Jackson's streaming API only: every proxy reads it at start-up, and
 * the streaming core loads in a fraction of the time databind needs.
 */
public final class FileStateDirectory implements StateDirectory {

    private static final JsonFactory JSON = new JsonFactory();
    /** How many exit lines {@code daemon-exits.log} keeps. */
    private static final int EXITS_KEPT = 20;
    /** Lock files this JVM holds. */
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

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
        return tryLock(root.resolve("daemon.lock"));
    }

    /** An OS file lock on {@code launch.lock}, a file no daemon touches. */
    @Override
    public Optional<ScopeLock> tryLaunchLock() throws IOException {
        prepare();
        return tryLock(root.resolve("launch.lock"));
    }

    private Optional<ScopeLock> tryLock(Path lockPath) throws IOException {
        // A JVM holds an OS file lock once: a second channel on the same file in this JVM cannot take it, and
        // closing that second channel would release the first one's lock (POSIX locks are per process). So a
        // lock this JVM already holds is answered here, without opening the file again (B-S1).
        if (!HELD.add(lockPath)) {
            return Optional.empty();
        }
        FileChannel channel;
        FileLock lock;
        try {
            channel = FileChannel.open(lockPath, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            try {
                lock = channel.tryLock();
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
        } catch (IOException | RuntimeException e) {
            HELD.remove(lockPath);
            throw e;
        }
        if (lock == null) {
            channel.close();
            HELD.remove(lockPath);
            return Optional.empty();
        }
        FileLock held = lock;
        return Optional.of(() -> {
            try {
                held.release();
                channel.close();
            } catch (IOException e) {
                // the OS releases the lock when the channel or the process goes
            } finally {
                HELD.remove(lockPath);
            }
        });
    }

    /**
     * Linux: the POSIX lock on {@code daemon.lock}'s inode in {@code /proc/locks} (fields: ordinal, class, mode,
     * access, pid, {@code major:minor:inode}, range). Blocked waiters ({@code ->}) are skipped. Elsewhere: empty.
     */
    @Override
    public Optional<Long> lockHolder() {
        Path lockPath = root.resolve("daemon.lock");
        Path procLocks = Path.of("/proc/locks");
        try {
            if (!Files.exists(procLocks) || !Files.exists(lockPath)) {
                return Optional.empty();
            }
            String inode = ":" + Files.getAttribute(lockPath, "unix:ino");
            for (String line : Files.readAllLines(procLocks)) {
                String[] f = line.trim().split("\\s+");
                if (f.length >= 6 && !"->".equals(f[1]) && "POSIX".equals(f[1]) && f[5].endsWith(inode)) {
                    return Optional.of(Long.parseLong(f[4]));
                }
            }
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    @Override
    public Optional<DaemonRecord> readRecord() {
        try (JsonParser parser = JSON.createParser(Files.readAllBytes(recordPath()))) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return Optional.empty();
            }
            long pid = 0;
            String processStart = null;
            String version = null;
            String scope = null;
            String startedAt = null;
            String token = null;
            List<Endpoint> endpoints = new ArrayList<>();
            List<String> history = new ArrayList<>();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                switch (field) {
                    case "pid" -> pid = parser.getLongValue();
                    case "processStartedAt" -> processStart = value == JsonToken.VALUE_NULL ? null : parser.getText();
                    case "version" -> version = parser.getText();
                    case "scope" -> scope = parser.getText();
                    case "startedAt" -> startedAt = parser.getText();
                    case "token" -> token = value == JsonToken.VALUE_NULL ? null : parser.getText();
                    case "endpoints" -> {
                        while (parser.nextToken() == JsonToken.VALUE_STRING) {
                            endpoints.add(Endpoint.parse(parser.getText()));
                        }
                    }
                    case "history" -> {
                        while (parser.nextToken() == JsonToken.VALUE_STRING) {
                            history.add(parser.getText());
                        }
                    }
                    default -> parser.skipChildren();
                }
            }
            return Optional.of(new DaemonRecord(new Pid(pid, processStart == null ? null : Instant.parse(processStart)),
                    version, scope, endpoints, Instant.parse(startedAt), token, history));
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // missing, torn or foreign: treated as no record (B-S3)
        }
    }

    @Override
    public void writeRecord(DaemonRecord record) throws IOException {
        Path temp = Files.createTempFile(root, "daemon.json.", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            try (JsonGenerator json = JSON.createGenerator(Files.newOutputStream(temp)).useDefaultPrettyPrinter()) {
                json.writeStartObject();
                json.writeNumberField("pid", record.pid().value());
                json.writeStringField("processStartedAt",
                        record.pid().startedAt() == null ? null : record.pid().startedAt().toString());
                json.writeStringField("version", record.version());
                json.writeStringField("scope", record.scope());
                json.writeArrayFieldStart("endpoints");
                for (Endpoint endpoint : record.endpoints()) {
                    json.writeString(endpoint.toString());
                }
                json.writeEndArray();
                json.writeStringField("startedAt", record.startedAt().toString());
                if (record.token() != null) {
                    json.writeStringField("token", record.token());
                }
                json.writeArrayFieldStart("history");
                for (String line : record.history()) {
                    json.writeString(line);
                }
                json.writeEndArray();
                json.writeEndObject();
            }
            Files.move(temp, recordPath(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    @Override
    public Optional<String> integrityProblem() {
        if (!Files.exists(socketPath())) {
            return Optional.of(socketPath() + " was removed");
        }
        if (!Files.exists(root.resolve("daemon.lock"))) {
            return Optional.of(root.resolve("daemon.lock") + " was removed");
        }
        return Optional.empty();
    }

    @Override
    public void recordExit(String line) {
        Path log = root.resolve("daemon-exits.log");
        try {
            List<String> lines = new ArrayList<>(Files.exists(log) ? Files.readAllLines(log) : List.of());
            lines.add(line.replace('\n', ' '));
            List<String> kept = lines.subList(Math.max(0, lines.size() - EXITS_KEPT), lines.size());
            Path temp = Files.createTempFile(root, "daemon-exits.", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.write(temp, kept);
            Files.move(temp, log, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            // the history is a convenience; the daemon log has the same line
        }
    }

    @Override
    public List<String> recentExits(int limit) {
        try {
            List<String> lines = new ArrayList<>(Files.readAllLines(root.resolve("daemon-exits.log")));
            java.util.Collections.reverse(lines);
            return List.copyOf(lines.subList(0, Math.min(limit, lines.size())));
        } catch (IOException | RuntimeException e) {
            return List.of();
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
