package dev.mcpd.bdd;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/**
 * A real peer in a separate process: connects to the endpoint given as first argument ({@code unix://path} or
 * {@code tcp://host:port}) and then, by the second
 * argument, {@code never-reads} (never reads, never closes) or {@code never-closes} (reads until EOF, then waits
 * without closing). Prints {@code connected} once connected. Killed by the test when done.
 */
public final class PeerProcess {

    private PeerProcess() {}

    public static void main(String[] args) throws Exception {
        SocketChannel channel;
        if (args[0].startsWith("tcp://")) {
            String hostPort = args[0].substring("tcp://".length());
            int colon = hostPort.lastIndexOf(':');
            channel = SocketChannel.open(new InetSocketAddress(hostPort.substring(0, colon),
                    Integer.parseInt(hostPort.substring(colon + 1))));
        } else {
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            channel.connect(UnixDomainSocketAddress.of(Path.of(args[0].substring("unix://".length()))));
        }
        System.out.println("connected");
        System.out.flush();
        if ("never-closes".equals(args[1])) {
            InputStream in = Channels.newInputStream(channel);
            byte[] buffer = new byte[4096];
            while (in.read(buffer) >= 0) {
                // read everything the server sends
            }
        }
        Thread.sleep(Long.MAX_VALUE); // hold the socket open, never close it
    }
}
