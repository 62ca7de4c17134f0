package dev.mcpd.adapter.secondary.hyperd;

import static java.util.Objects.requireNonNull;

import dev.mcpd.domain.error.HyperdException;
import dev.mcpd.domain.model.hyperd.Attachment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import org.postgresql.jdbc.PgConnection;

/**
 * The user databases attached now ({@code attach_database}), and which of them each pool connection has attached.
 *
 * <p>Invariant: {@code main} is attached on each new connection ({@link HyperdPool}); user attachments are applied to
 * each connection when it is borrowed ({@link #sync}), so every connection sees the same databases. A detach evicts
 * every connection ({@link HyperdPool#evictAll()}), so that hyperd lets go of the file.
 */
final class AttachmentSync {

    private final Deadlines deadlines;
    private final ConcurrentSkipListMap<String, Attachment> wanted = new ConcurrentSkipListMap<>();
    /** By physical connection (weakly: an evicted connection takes its entry with it), alias to file. */
    private final Map<Object, Map<String, Path>> attachedOn = Collections.synchronizedMap(new WeakHashMap<>());

    AttachmentSync(Deadlines deadlines) {
        this.deadlines = requireNonNull(deadlines, "deadlines is null");
    }

    /** The attachments wanted now, by alias. */
    List<Attachment> all() {
        return List.copyOf(wanted.values());
    }

    /**
     * Adds the attachment of the existing file {@code path} as {@code alias}; connections attach it when next synced.
     *
     * @throws HyperdException.SqlError {@code 42602} (invalid name) for an alias that is not a plain name or is
     *         {@code main}, {@code 58P01} (undefined file) when {@code path} is no regular file, {@code 42710}
     *         (duplicate object) when the alias is taken
     */
    Attachment claim(String alias, Path path) {
        String name;
        try {
            name = SqlNames.alias(alias);
        } catch (IllegalArgumentException e) {
            throw new HyperdException.SqlError("42602", e.getMessage(), null);
        }
        Path file = path.toAbsolutePath().normalize();
        if (!Files.isRegularFile(file)) {
            throw new HyperdException.SqlError("58P01", "no such file: " + file + " (attach_database opens an existing "
                    + ".hyper file)", null);
        }
        Attachment attachment = new Attachment(name, file);
        Attachment taken = wanted.putIfAbsent(name, attachment);
        if (taken != null) {
            throw new HyperdException.SqlError("42710", "alias '" + name + "' is already attached to " + taken.path()
                    + "; detach it first or choose another alias", null);
        }
        return attachment;
    }

    /** Takes back {@code attachment}, if it is still the one under its alias (an attach that failed). */
    void undo(Attachment attachment) {
        wanted.remove(attachment.alias(), attachment);
    }

    /**
     * Removes the attachment under {@code alias} (case-insensitive); connections drop it when next synced.
     *
     * @throws HyperdException.SqlError {@code 3D000} (invalid catalog name) when nothing is attached as {@code alias}
     */
    void detach(String alias) {
        if (wanted.remove(alias.toLowerCase(Locale.ROOT)) == null) {
            throw new HyperdException.SqlError("3D000", "no database is attached as '" + alias + "'", null);
        }
    }

    /** The aliases {@code connection} has attached now, to their files; the map is the connection's own. */
    Map<String, Path> on(Connection connection) throws SQLException {
        Object physical = connection.unwrap(PgConnection.class);
        return attachedOn.computeIfAbsent(physical, key -> new HashMap<>());
    }

    /** Makes this connection's attachments those wanted now; runs while the connection is ours alone. */
    void sync(Connection connection, Instant deadline) throws SQLException {
        Map<String, Path> have = on(connection);
        for (String alias : List.copyOf(have.keySet())) {
            Attachment want = wanted.get(alias);
            if (want == null || !want.path().equals(have.get(alias))) {
                try (Statement statement = connection.createStatement()) {
                    deadlines.bound(statement, deadline);
                    statement.execute("DETACH DATABASE " + SqlNames.quote(alias));
                }
                have.remove(alias);
            }
        }
        for (Attachment want : wanted.values()) {
            if (!have.containsKey(want.alias())) {
                try (Statement statement = connection.createStatement()) {
                    deadlines.bound(statement, deadline);
                    statement.execute("ATTACH DATABASE " + SqlNames.quote(want.path().toString()) + " AS "
                            + SqlNames.quote(want.alias()));
                }
                have.put(want.alias(), want.path());
            }
        }
    }
}
