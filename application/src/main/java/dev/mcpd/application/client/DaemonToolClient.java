package dev.mcpd.application.client;

import static java.util.Objects.requireNonNull;

import dev.mcpd.application.daemon.HelloProtocol;
import dev.mcpd.application.mcp.Json;
import dev.mcpd.application.proxy.DaemonLink;
import dev.mcpd.application.wire.LineWriter;
import dev.mcpd.domain.model.ClientHello;
import dev.mcpd.domain.port.JsonCodec;
import java.io.IOException;
import java.util.Map;

/**
 * A minimal synchronous MCP client over a {@link DaemonLink}, for the commands people type ({@code mcpd daemon
 * status}, {@code mcpd containers ls}): one tool call at a time, then close. Closing never waits for the daemon
 * (B-C3): the command returns as soon as the answer is read.
 */
public final class DaemonToolClient implements AutoCloseable {

    private final DaemonLink link;
    private final JsonCodec codec;
    private final LineWriter writer;
    private long nextId = 1;

    public DaemonToolClient(DaemonLink link, JsonCodec codec, ClientHello hello) throws IOException {
        this.link = requireNonNull(link, "link is null");
        this.codec = requireNonNull(codec, "codec is null");
        this.writer = new LineWriter(link.connection().output());
        writer.writeLine(codec.write(HelloProtocol.clientHello(hello)));
    }

    /** The daemon's pid, from its hello. */
    public long daemonPid() {
        return link.hello().pid();
    }

    /**
     * Calls a tool and waits for its result.
     *
     * @return the {@code result} object of the response ({@code content}, {@code structuredContent}, {@code isError})
     * @throws IOException if the daemon closed the connection or answered with a JSON-RPC error (its message is kept)
     */
    public Map<String, Object> callTool(String name, Map<String, Object> arguments) throws IOException {
        long id = nextId++;
        writer.writeLine(codec.write(Json.object("jsonrpc", "2.0", "id", id, "method", "tools/call",
                "params", Json.object("name", name, "arguments", arguments))));
        while (true) {
            byte[] line = link.reader().readLine();
            if (line == null) {
                throw new IOException("the daemon closed the connection before answering " + name);
            }
            Map<String, Object> message = Json.asObject(codec.parse(line, 0, line.length));
            if (message == null || !(message.get("id") instanceof Number n) || n.longValue() != id) {
                continue; // a notification, or an answer to something else
            }
            Map<String, Object> error = Json.asObject(message.get("error"));
            if (error != null) {
                throw new IOException("daemon error " + error.get("code") + ": " + error.get("message"));
            }
            Map<String, Object> result = Json.asObject(message.get("result"));
            if (result == null) {
                throw new IOException("the daemon's answer to " + name + " had no result");
            }
            return result;
        }
    }

    /** Closes the connection at once. */
    @Override
    public void close() {
        link.connection().close();
    }
}
