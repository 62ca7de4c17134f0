package dev.mcpd.adapter.secondary.hyperd;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * A stand-in hyperd for {@link HyperdSupervisorTest}: it calls back from the child's own pid, as hyperd does, but
 * names an endpoint other than the one it was told to listen on ({@code tab.tcp://127.0.0.1:<args: forged port>}),
 * then stays until its callback connection closes. {@code --settings} lists nothing.
 */
public final class FakeHyperdMain {

    private FakeHyperdMain() {}

    public static void main(String[] args) throws IOException {
        List<String> arguments = List.of(args);
        if (arguments.contains("--settings")) {
            return;
        }
        String callback = arguments.get(arguments.indexOf("--callback-connection") + 1);
        int slash = callback.lastIndexOf("/domain/");
        Path socket = Path.of(callback.substring("tab.domain://".length(), slash), callback.substring(slash + 8));
        byte[] forged = ("tab.tcp://127.0.0.1:" + System.getenv("FAKE_HYPERD_PORT") + "\0").getBytes(StandardCharsets.US_ASCII);
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            channel.write(ByteBuffer.allocate(1 + forged.length).put((byte) forged.length).put(forged).flip());
            while (channel.read(ByteBuffer.allocate(1)) >= 0) {
                // wait for the supervisor to close the callback connection
            }
        }
    }
}
