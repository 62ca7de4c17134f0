package dev.mcpd.adapter.secondary.state;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.mcpd.domain.model.DaemonRecord;
import dev.mcpd.domain.model.Endpoint;
import dev.mcpd.domain.model.Pid;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code daemon.json}, the daemon record (B-S2), as a JSON object: {@code pid}, {@code processStartedAt} (RFC 3339 or
 * null), {@code version}, {@code scope}, {@code endpoints} (strings), {@code startedAt}, {@code token} (absent when
 * none), {@code history} (strings). Unknown fields are skipped.
 *
 * <p>Read and written with Jackson's streaming API only: every proxy reads the record at start-up, and the streaming
 * core loads in a fraction of the time databind needs.
 */
final class DaemonRecordCodec {

    private static final JsonFactory JSON = new JsonFactory();

    private DaemonRecordCodec() {
    }

    /** The record in {@code file}; empty when it is missing, torn or foreign (all treated as no record, B-S3). */
    static Optional<DaemonRecord> read(Path file) {
        try (JsonParser parser = JSON.createParser(Files.readAllBytes(file))) {
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

    /**
     * Writes {@code record} to {@code file} (pretty-printed), replacing what it held; not atomic by itself: the
     * caller writes a private temp file and renames it.
     *
     * @throws IOException if the file cannot be written
     */
    static void write(DaemonRecord record, Path file) throws IOException {
        try (JsonGenerator json = JSON.createGenerator(Files.newOutputStream(file)).useDefaultPrettyPrinter()) {
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
    }
}
