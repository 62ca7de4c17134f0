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
        return dial(endpoint, 0);
    }

    /**
     * Dials the endpoint of a daemon record and requires that the daemon answering is the record's (review
     * finding 13): its hello's pid must equal {@code recordPid}, so a process that took over the endpoint of a
     * daemon that is stopping is never sent the client hello or the session.
     *
     * @param recordPid the pid the record names; 0 when there is no record to compare with ({@code --connect})
     * @return the open link, after the daemon's hello
     * @throws IOException if nothing accepts at {@code endpoint}, or what answers closes, is not an mcpd daemon, or
     *     is not the record's daemon (the connection is closed then)
     */
    public DaemonLink dial(Endpoint endpoint, long recordPid) throws IOException {
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
            if (recordPid > 0 && hello.pid() != recordPid) {
                throw new IOException("the daemon answering on " + endpoint + " is pid " + hello.pid()
                        + ", not the record's pid " + recordPid + " (review finding 13)");
            }
            return new DaemonLink(connection, reader, hello);
        } catch (IOException | RuntimeException e) { // a malformed hello is a MalformedMessageException
            connection.close();
            throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
        }
    }
}
