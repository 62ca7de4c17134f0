package dev.mcpd.adapter.primary.tcp;

import static java.util.Objects.requireNonNull;

import dev.mcpd.adapter.primary.connection.OpenConnections;
import dev.mcpd.domain.model.Availability;
import dev.mcpd.domain.model.Endpoint;
import dev.mcpd.domain.model.TcpKeepalive;
import dev.mcpd.domain.model.TransportKind;
import dev.mcpd.domain.port.ConnectionHandler;
import dev.mcpd.domain.port.Transport;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.PemKeyCertOptions;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's TCP transport on Vert.x Core, for a daemon in a container or on another host (B-T1, B-T3, B-T4).
 *
 * <p>Invariants, beyond {@link Transport}'s:
 * <ol>
 *   <li>B-T3 binds what {@link TcpListen} says (loopback by default); which clients may talk is decided by the
 *       token in their hello, checked by the connection handler, not here.
 *   <li>B-T4 every accepted connection has keepalive 60 s / 10 s / 3 (or as configured): with the epoll transport
 *       ({@code netty-transport-native-epoll}) Vert.x sets it from the server options, and on the JDK's NIO transport
 *       this class sets it per channel through {@code jdk.net.ExtendedSocketOptions}.
 *   <li>Vert.x's event loops only move bytes; each connection's handler runs on its own virtual thread and reads
 *       and writes through blocking streams with flow control ({@link SocketInbound}, {@link SocketOutbound}).
 *   <li>{@link #requestStop()} closes the listening socket only; live connections keep being served (B-C2). The
 *       Vert.x instance, its event loops and its sockets are released when the last connection is gone after a
 *       stop, or at once by {@link #requestForcefulStop()}.
 * </ol>
 */
public final class TcpTransport implements Transport {

    private static final Logger log = LoggerFactory.getLogger(TcpTransport.class);
    private static final long BIND_TIMEOUT_SECONDS = 10;

    private final TcpListen listen;
    private final OpenConnections open = new OpenConnections("tcp-connection");
    private volatile Vertx vertx;
    private volatile NetServer server;
    private volatile Endpoint endpoint;
    private volatile boolean stopping;

    public TcpTransport(TcpListen listen) {
        this.listen = requireNonNull(listen, "listen is null");
    }

    /** What this transport listens on, for status lines: {@code host:port}, TLS, keepalive. */
    public String describe() {
        Endpoint bound = endpoint;
        return (bound == null ? listen.toString() : bound.address()) + (listen.tls().isPresent() ? " TLS" : "")
                + ", keepalive " + listen.keepalive() + (vertx == null ? "" : vertx.isNativeTransportEnabled() ? " (epoll)" : " (nio)");
    }

    @Override
    public TransportKind kind() {
        return TransportKind.TCP;
    }

    /** Always available: Vert.x runs on the JDK's NIO where epoll is missing. */
    @Override
    public Availability availability() {
        return Availability.available();
    }

    @Override
    public synchronized Endpoint start(ConnectionHandler handler) throws IOException {
        requireNonNull(handler, "handler is null");
        if (vertx != null) {
            throw new IllegalStateException("already started");
        }
        Vertx v = Vertx.vertx(new VertxOptions()
                .setPreferNativeTransport(true)
                .setEventLoopPoolSize(Math.min(2, Runtime.getRuntime().availableProcessors()))
                .setWorkerPoolSize(1)
                .setInternalBlockingPoolSize(1));
        vertx = v;
        if (!v.isNativeTransportEnabled()) {
            log.info("epoll unavailable ({}); TCP keepalive set through the JDK's socket options",
                    v.unavailableNativeTransportCause() == null ? "no cause given" : v.unavailableNativeTransportCause().toString());
        }
        NetServer s = v.createNetServer(serverOptions());
        s.connectHandler(socket -> accept(socket, handler));
        try {
            s.listen(listen.port(), listen.host()).toCompletionStage().toCompletableFuture()
                    .get(BIND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            v.close();
            vertx = null;
            throw new IOException("cannot listen on " + listen + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException | InterruptedException e) {
            v.close();
            vertx = null;
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IOException("cannot listen on " + listen + ": " + e, e);
        }
        server = s;
        String host = listen.host().contains(":") ? "[" + listen.host() + "]" : listen.host();
        endpoint = new Endpoint(TransportKind.TCP, host + ":" + s.actualPort());
        log.info("TCP transport listening on {}", describe());
        return endpoint;
    }

    private NetServerOptions serverOptions() {
        TcpKeepalive keepalive = listen.keepalive();
        NetServerOptions options = new NetServerOptions().setAcceptBacklog(128).setReuseAddress(true).setTcpNoDelay(true)
                .setTcpKeepAlive(true);
        options.setTcpKeepAliveIdleSeconds(keepalive.idleSeconds());
        options.setTcpKeepAliveIntervalSeconds(keepalive.intervalSeconds());
        options.setTcpKeepAliveCount(keepalive.count());
        listen.tls().ifPresent(tls -> options.setSsl(true).setKeyCertOptions(new PemKeyCertOptions()
                .setCertPath(tls.certificateChain().toString()).setKeyPath(tls.privateKey().toString())));
        return options;
    }

    private void accept(NetSocket socket, ConnectionHandler handler) {
        TcpConnection connection = new TcpConnection(socket, endpoint, open::remove);
        if (!vertx.isNativeTransportEnabled()) {
            connection.applyKeepalive(listen.keepalive());
        }
        open.serve(connection, handler, () -> stopping, this::releaseIfDone);
    }

    @Override
    public int openConnections() {
        return open.count();
    }

    @Override
    public synchronized void requestStop() {
        stopping = true;
        NetServer s = server;
        if (s != null) {
            server = null;
            // Closing the listener only: Vert.x's server close would also close every live connection (B-C2).
            s.shutdown(Duration.ofDays(3650));
        }
        releaseIfDone();
    }

    @Override
    public void requestForcefulStop() {
        requestStop();
        open.closeAll();
        releaseVertx();
    }

    @Override
    public void close() {
        requestForcefulStop();
    }

    private void releaseIfDone() {
        if (stopping && open.count() == 0) {
            releaseVertx();
        }
    }

    private synchronized void releaseVertx() {
        Vertx v = vertx;
        if (v != null && stopping) {
            vertx = null;
            v.close(); // asynchronous: event loops and sockets go without the caller waiting
        }
    }
}
