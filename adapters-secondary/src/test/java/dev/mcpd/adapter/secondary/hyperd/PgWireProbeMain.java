package dev.mcpd.adapter.secondary.hyperd;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What another local user would try (review finding 1): connect to a hyperd endpoint with PostgreSQL v3 and a user
 * name only, and run {@code SELECT 1}. JDK only, so that {@link HyperdSupervisorTest} can run it as uid 65534 from a
 * copy of this one class. Prints one line: {@code row: <value>}, {@code refused: <why>} or {@code no row: <why>}.
 * Args: a hyperd endpoint descriptor ({@code tab.tcp://host:port} or {@code tab.domain://<dir>/domain/<name>}).
 */
public final class PgWireProbeMain {

    private static final Pattern TCP = Pattern.compile("tab\\.tcp://\\[?([^\\]]+?)\\]?:(\\d+)");
    private static final Pattern DOMAIN = Pattern.compile("tab\\.domain://(.*)/domain/([^/]+)");

    private PgWireProbeMain() {}

    public static void main(String[] args) {
        SocketAddress address;
        Matcher tcp = TCP.matcher(args[0]);
        Matcher domain = DOMAIN.matcher(args[0]);
        if (tcp.matches()) {
            address = new InetSocketAddress(tcp.group(1), Integer.parseInt(tcp.group(2)));
        } else if (domain.matches()) {
            address = UnixDomainSocketAddress.of(Path.of(domain.group(1), domain.group(2)));
        } else {
            System.out.println("no row: cannot parse " + args[0]);
            return;
        }
        SocketChannel channel;
        try {
            channel = SocketChannel.open(address);
        } catch (IOException | SecurityException e) {
            System.out.println("refused: " + e);
            return;
        }
        try (channel) {
            System.out.println(selectOne(channel));
        } catch (IOException | RuntimeException e) {
            System.out.println("no row: " + e);
        }
    }

    private static String selectOne(SocketChannel channel) throws IOException {
        byte[] params = "user\0tableau_internal_user\0\0".getBytes(StandardCharsets.US_ASCII);
        ByteBuffer startup = ByteBuffer.allocate(8 + params.length).putInt(8 + params.length).putInt(196608).put(params);
        write(channel, startup.flip());
        while (true) {
            char type = (char) read(channel, 1).get();
            ByteBuffer body = read(channel, read(channel, 4).getInt() - 4);
            switch (type) {
                case 'R' -> {
                    int code = body.getInt();
                    if (code != 0) {
                        return "no row: the server asks for a password (authentication code " + code + ")";
                    }
                }
                case 'Z' -> {
                    byte[] sql = "SELECT 1\0".getBytes(StandardCharsets.US_ASCII);
                    write(channel, ByteBuffer.allocate(5 + sql.length).put((byte) 'Q').putInt(4 + sql.length).put(sql)
                            .flip());
                    return rowOf(channel);
                }
                case 'E' -> {
                    return "no row: " + StandardCharsets.UTF_8.decode(body).toString().replace('\0', ' ').strip();
                }
                default -> {
                    // ParameterStatus, BackendKeyData, notices: not needed
                }
            }
        }
    }

    private static String rowOf(SocketChannel channel) throws IOException {
        while (true) {
            char type = (char) read(channel, 1).get();
            ByteBuffer body = read(channel, read(channel, 4).getInt() - 4);
            if (type == 'D') {
                body.getShort();
                int length = body.getInt();
                byte[] value = new byte[length];
                body.get(value);
                return "row: " + new String(value, StandardCharsets.UTF_8);
            }
            if (type == 'E' || type == 'Z') {
                return "no row: message " + type;
            }
        }
    }

    private static void write(SocketChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    private static ByteBuffer read(SocketChannel channel, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) {
                throw new IOException("the server closed the connection");
            }
        }
        return buffer.flip();
    }
}
