package dev.mcpd.adapter.primary.unixsocket;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/**
 * A peer in a child JVM for B-C1: connects to the socket given as its argument, says {@code connected} on
 * stdout, then never reads, never writes and never closes. The test freezes it with SIGSTOP.
 */
public final class FrozenPeerMain {

    private FrozenPeerMain() {}

    public static void main(String[] args) throws Exception {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        channel.connect(UnixDomainSocketAddress.of(Path.of(args[0])));
        System.out.println("connected");
        System.out.flush();
        // Ends when the test kills it; the parent going away closes stdin, which ends it too.
        while (System.in.read() >= 0) {
            // stdin carries nothing: the loop only waits for EOF
        }
        channel.close();
    }
}
