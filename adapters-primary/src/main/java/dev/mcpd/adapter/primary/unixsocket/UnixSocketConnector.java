package dev.mcpd.adapter.primary.unixsocket;

import com.sun.security.auth.module.UnixSystem;
import dev.mcpd.adapter.primary.connection.BulkInputStream;
import dev.mcpd.adapter.primary.connection.BulkOutputStream;
import dev.mcpd.adapter.primary.connection.ClientSocketConnection;
import dev.mcpd.adapter.primary.connection.StreamConnection;
import dev.mcpd.domain.error.ProtocolViolationException;
import dev.mcpd.domain.model.Endpoint;
import dev.mcpd.domain.model.PeerCredentials;
import dev.mcpd.domain.model.TransportKind;
import dev.mcpd.domain.port.Connection;
import dev.mcpd.domain.port.DaemonConnector;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.util.Optional;
import java.util.function.LongSupplier;
import jdk.net.ExtendedSocketOptions;
import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import org.newsclub.net.unix.AFUNIXSocketCredentials;

/**
 * The proxy's side of the Unix socket, on the JDK's own {@code UnixDomainSocketAddress} channels: no native
 * library to load, so the proxy starts faster (ADR 0004). Reads and writes go straight to the channel, so a
 * reader thread never blocks a writer thread. An endpoint in Linux's abstract namespace ({@code unix://@name}, the
 * fallback for a state dir too deep for {@code sun_path}) is out of the JDK's reach and goes through junixsocket.
 *
 * <p>Invariant (review finding 13): the process that accepted must run as the expected user, by default this
 * process's own uid. The kernel says who it is ({@code SO_PEERCRED}: the JDK's
 * {@link ExtendedSocketOptions#SO_PEERCRED} on a path, junixsocket's peer credentials on an abstract name, which
 * has no file permissions and can be bound by any local user). Anyone else gets nothing from the proxy, not even
 * its hello: the connection is closed and {@link ProtocolViolationException} thrown, naming both uids.
 */
public final class UnixSocketConnector implements DaemonConnector {

    private final LongSupplier expectedUid;

    /** Accepts only a daemon running as this process's own user (read on first use: Windows has no uid). */
    public UnixSocketConnector() {
        this.expectedUid = () -> new UnixSystem().getUid();
    }

    /** @param expectedUid the only uid a daemon may run as (tests pretend to be another user with it) */
    public UnixSocketConnector(long expectedUid) {
        this.expectedUid = () -> expectedUid;
    }

    /**
     * @throws IOException if nothing accepts at {@code endpoint}
     * @throws ProtocolViolationException if what accepted runs as another user (the connection is closed)
     * @throws IllegalArgumentException if {@code endpoint} is not a Unix socket
     */
    @Override
    public Connection connect(Endpoint endpoint) throws IOException {
        if (endpoint.kind() != TransportKind.UNIX_SOCKET) {
            throw new IllegalArgumentException("not a Unix socket endpoint: " + endpoint);
        }
        if (endpoint.address().startsWith(UnixSocketTransport.ABSTRACT_PREFIX)) {
            String name = endpoint.address().substring(UnixSocketTransport.ABSTRACT_PREFIX.length());
            // The JDK's UnixDomainSocketAddress takes file paths only: junixsocket reaches the abstract namespace.
            AFUNIXSocket socket = AFUNIXSocket.connectTo(AFUNIXSocketAddress.inAbstractNamespace(name));
            try {
                AFUNIXSocketCredentials peer = socket.getPeerCredentials();
                long uid = peer == null ? PeerCredentials.UNKNOWN : peer.getUid();
                requireExpected(uid, String.valueOf(uid), expectedUid.getAsLong(), endpoint);
            } catch (IOException | RuntimeException e) {
                socket.close();
                throw e;
            }
            return new ClientSocketConnection(endpoint, socket, Optional.empty());
        }
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.connect(UnixDomainSocketAddress.of(Path.of(endpoint.address())));
            UserPrincipal peer = channel.getOption(ExtendedSocketOptions.SO_PEERCRED).user();
            long uid = expectedUid.getAsLong();
            UserPrincipal expected = FileSystems.getDefault().getUserPrincipalLookupService()
                    .lookupPrincipalByName(String.valueOf(uid));
            // the JDK's Unix principals are equal when their uids are
            requireExpected(peer.equals(expected) ? uid : PeerCredentials.UNKNOWN, peer.getName(), uid, endpoint);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        return new ChannelConnection(endpoint, channel);
    }

    private static void requireExpected(long peerUid, String peerName, long expectedUid, Endpoint endpoint) {
        if (peerUid != expectedUid) {
            throw new ProtocolViolationException("the process listening on " + endpoint + " runs as user " + peerName
                    + ", not as uid " + expectedUid + ": it is not this user's daemon, so the proxy does not talk to it"
                    + " (review finding 13)");
        }
    }

    /** A client connection; package-visible so tests can half-close it. */
    static final class ChannelConnection extends StreamConnection {
        private final SocketChannel channel;

        ChannelConnection(Endpoint endpoint, SocketChannel channel) {
            super(endpoint, PeerCredentials.unknown(), channelInput(channel), channelOutput(channel), UNTRACKED);
            this.channel = channel;
        }

        @Override
        protected boolean transportOpen() {
            return channel.isOpen();
        }

        @Override
        protected void closeTransport() {
            try {
                channel.close();
            } catch (IOException e) {
                // nothing to do: close never waits for the peer
            }
        }

        SocketChannel channel() {
            return channel;
        }
    }

    /** Reads straight from the channel, so a reader thread never blocks a writer thread. */
    private static InputStream channelInput(SocketChannel channel) {
        return new BulkInputStream() {
            @Override
            protected int readBulk(byte[] b, int off, int len) throws IOException {
                return len == 0 ? 0 : channel.read(ByteBuffer.wrap(b, off, len));
            }
        };
    }

    /** Writes straight to the channel, buffered (64 KiB); callers flush after each line (B-W1). */
    private static OutputStream channelOutput(SocketChannel channel) {
        return new BufferedOutputStream(new BulkOutputStream() {
            @Override
            protected void writeBulk(byte[] b, int off, int len) throws IOException {
                ByteBuffer buffer = ByteBuffer.wrap(b, off, len);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
            }
        }, 64 * 1024);
    }
}
