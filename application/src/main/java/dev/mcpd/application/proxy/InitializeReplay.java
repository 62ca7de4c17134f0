package dev.mcpd.application.proxy;

import dev.mcpd.application.jsonrpc.JsonRpc;
import dev.mcpd.application.jsonrpc.JsonRpcMessage;
import dev.mcpd.application.jsonrpc.JsonRpcMessages;
import dev.mcpd.application.jsonrpc.RequestId;
import dev.mcpd.application.wire.LineReader;
import dev.mcpd.application.wire.LineWriter;
import dev.mcpd.domain.error.MalformedMessageException;
import dev.mcpd.domain.port.JsonCodec;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The host's {@code initialize}, kept to open the session again on a new daemon (B-G5): the request is replayed
 * under a private id, its answer is read and not passed on (the host had its answer), then
 * {@code notifications/initialized} follows. Thread-safe.
 */
final class InitializeReplay {

    /** The id under which the cached {@code initialize} is replayed to a new daemon; its answer is dropped. */
    static final String REPLAY_ID = "mcpd-proxy-rejoin";

    private static final RequestId REPLAY = new RequestId.Text(REPLAY_ID);

    private volatile Map<String, Object> cached;

    /** Keeps the host's first {@code initialize} request; later ones and other messages are ignored. */
    void remember(JsonRpcMessage message) {
        if (cached == null && message instanceof JsonRpcMessage.Request request && "initialize".equals(request.method())) {
            cached = request.raw();
        }
    }

    /**
     * Replays the cached {@code initialize} to a daemon whose hello was read and that was sent the client hello;
     * does nothing when the host never sent one.
     *
     * @throws IOException when the daemon closes the connection or a write fails
     * @throws MalformedMessageException when the daemon sends a line that is not JSON
     */
    void replay(LineWriter writer, LineReader reader, JsonCodec codec) throws IOException {
        Map<String, Object> initialize = cached;
        if (initialize == null) {
            return;
        }
        Map<String, Object> replay = new LinkedHashMap<>(initialize);
        replay.put("id", REPLAY_ID);
        writer.writeLine(codec.write(replay));
        while (true) {
            byte[] line = reader.readLine();
            if (line == null) {
                throw new IOException("the daemon closed the connection during the replayed initialize");
            }
            if (JsonRpcMessages.classify(codec.parse(line, 0, line.length)) instanceof JsonRpcMessage.Response answer
                    && REPLAY.equals(answer.id())) {
                break;
            }
        }
        writer.writeLine(codec.write(JsonRpc.notification("notifications/initialized", null)));
    }
}
