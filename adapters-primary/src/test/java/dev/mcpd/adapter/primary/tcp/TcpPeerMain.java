package dev.mcpd.adapter.primary.tcp;

import java.net.Socket;

/**
 * A peer in a child JVM: connects to {@code host port}, says {@code connected} on stdout, then neither reads nor
 * writes until it is killed (or its parent goes away and closes its stdin).
 */
public final class TcpPeerMain {

    private TcpPeerMain() {}

    public static void main(String[] args) throws Exception {
        try (Socket socket = new Socket(args[0], Integer.parseInt(args[1]))) {
            System.out.println("connected");
            System.out.flush();
            while (System.in.read() >= 0) {
                // stdin carries nothing: the loop only waits for EOF
            }
        }
    }
}
