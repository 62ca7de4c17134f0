package dev.mcpd.application.proxy;

import static java.util.Objects.requireNonNull;

import dev.mcpd.application.daemon.HelloProtocol;
import dev.mcpd.application.wire.LineReader;
import dev.mcpd.domain.model.DaemonHello;
import dev.mcpd.domain.model.Endpoint;
import dev.mcpd.domain.port.Connection;
import dev.mcpd.domain.port.DaemonConnector;
import dev.mcpd.domain.port.JsonCodec;
import java.io.IOException;

/** Connects to one daemon endpoint and reads the daemon's hello (B-W2), giving a {@link DaemonLink}. */
public final class DaemonDialer {

    private final DaemonConnector connector;
    private final JsonCodec codec;
    private final int maxLineBytes;

    public DaemonDialer(DaemonConnector connector, JsonCodec codec, int maxLineBytes) {
        this.connector = requireNonNull(connector, "connector is null");
        this.codec = requireNonNull(codec, "codec is null");
        this.maxLineBytes = maxLineBytes;
    }

    /**
     * @return the open link, after the daemon's hello
     * @throws IOException if nothing accepts at {@code endpoint}, or what answers closes or is not an mcpd daemon
     */
    public DaemonLink dial(Endpoint endpoint) throws IOException {
        Connection connection = connector.connect(endpoint);
        try {
            LineReader reader = new LineReader(connection.input(), maxLineBytes);
            byte[] line = reader.readLine();
            if (line == null) {
                throw new IOException("closed before its hello");
            }
            DaemonHello hello = HelloProtocol.readDaemonHello(codec.parse(line, 0, line.length));
            if (hello == null) {
                throw new IOException("the first line was not an mcpd hello");
            }
            return new DaemonLink(connection, reader, hello);
        } catch (IOException | RuntimeException e) { // a malformed hello is a MalformedMessageException
            connection.close();
            throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
        }
    }
}
