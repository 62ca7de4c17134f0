package dev.mcpd.adapter.primary.tcp;

import dev.mcpd.adapter.primary.connection.StreamConnection;
import dev.mcpd.domain.model.Endpoint;
import dev.mcpd.domain.model.PeerCredentials;
import dev.mcpd.domain.model.TcpKeepalive;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.nio.NioChannelOption;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetSocket;
import java.util.Optional;
import java.util.function.Consumer;
import jdk.net.ExtendedSocketOptions;

/**
 * One accepted TCP connection over a Vert.x {@link NetSocket}.
 *
 * <p>Half-close is honoured: the peer's FIN ends {@link #input()} while {@link #output()} still works, so a client
 * that sends its requests and shuts down its side still gets every answer. {@link #close()} asks the event loop to
 * close and returns at once (B-C1); the kernel sends what was written, without the handler waiting for it. TCP has
 * no kernel-reported peer process (the peer may be on another host), so {@link #peer()} is unknown.
 */
final class TcpConnection extends StreamConnection {

    /** Keepalive as the kernel has it for this socket, read back from the channel. */
    record KeepaliveReadback(boolean enabled, int idleSeconds, int intervalSeconds, int count) {}

    private final NetSocketInternal socket;
    private final SocketInbound in;
    private final SocketOutbound out;

    TcpConnection(NetSocket socket, Endpoint endpoint, Consumer<? super StreamConnection> onClose) {
        SocketInbound in = new SocketInbound(socket);
        SocketOutbound out = new SocketOutbound(socket);
        super(endpoint, PeerCredentials.unknown(), in, out, onClose);
        this.socket = (NetSocketInternal) socket;
        this.in = in;
        this.out = out;
        channel().config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        socket.handler(in::offer);
        this.socket.eventHandler(event -> {
            if (event instanceof ChannelInputShutdownEvent) {
                in.end();
            }
        });
        socket.endHandler(ignored -> in.end());
        socket.exceptionHandler(ignored -> { /* the close that follows ends the streams */ });
        socket.closeHandler(ignored -> closedByChannel());
    }

    Channel channel() {
        return socket.channelHandlerContext().channel();
    }

    /** Turns keepalive on with {@code keepalive}'s timing, through the epoll or the JDK channel's options (B-T4). */
    void applyKeepalive(TcpKeepalive keepalive) {
        var config = channel().config();
        config.setOption(ChannelOption.SO_KEEPALIVE, true);
        int idle = keepalive.idleSeconds();
        int interval = keepalive.intervalSeconds();
        if (config.getOptions().containsKey(EpollChannelOption.TCP_KEEPIDLE)) {
            config.setOption(EpollChannelOption.TCP_KEEPIDLE, idle);
            config.setOption(EpollChannelOption.TCP_KEEPINTVL, interval);
            config.setOption(EpollChannelOption.TCP_KEEPCNT, keepalive.count());
        } else {
            config.setOption(NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPIDLE), idle);
            config.setOption(NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPINTERVAL), interval);
            config.setOption(NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPCOUNT), keepalive.count());
        }
    }

    /** Keepalive as the kernel has it now (getsockopt), for tests and diagnostics. */
    KeepaliveReadback keepalive() {
        var config = channel().config();
        boolean on = Boolean.TRUE.equals(config.getOption(ChannelOption.SO_KEEPALIVE));
        if (config.getOptions().containsKey(EpollChannelOption.TCP_KEEPIDLE)) {
            return new KeepaliveReadback(on, config.getOption(EpollChannelOption.TCP_KEEPIDLE),
                    config.getOption(EpollChannelOption.TCP_KEEPINTVL), config.getOption(EpollChannelOption.TCP_KEEPCNT));
        }
        return new KeepaliveReadback(on, config.getOption(NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPIDLE)),
                config.getOption(NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPINTERVAL)),
                config.getOption(NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPCOUNT)));
    }

    @Override
    public Optional<String> remoteAddress() {
        var address = socket.remoteAddress();
        return address == null ? Optional.empty() : Optional.of(address.host() + ":" + address.port());
    }

    @Override
    protected void closeTransport() {
        in.close();
        out.close();
        socket.close(); // asynchronous: never waits for the peer (B-C1)
    }

    private void closedByChannel() {
        in.end();
        out.close();
        closedByPeer(); // what was received stays readable, then end of stream
    }
}
