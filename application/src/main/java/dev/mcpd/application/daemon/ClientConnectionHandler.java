package dev.mcpd.application.daemon;

import static java.util.Objects.requireNonNull;

import dev.mcpd.application.jsonrpc.JsonRpc;
import dev.mcpd.application.mcp.CallObserver;
import dev.mcpd.application.mcp.McpServerSession;
import dev.mcpd.application.mcp.SessionSettings;
import dev.mcpd.application.wire.LineBudget;
import dev.mcpd.application.wire.LineReader;
import dev.mcpd.application.wire.QueuedLineWriter;
import dev.mcpd.domain.error.LineTooLongException;
import dev.mcpd.domain.model.ClientHello;
import dev.mcpd.domain.model.ClientId;
import dev.mcpd.domain.model.DaemonHello;
import dev.mcpd.domain.model.PeerCredentials;
import dev.mcpd.domain.model.TransportKind;
import dev.mcpd.domain.port.Connection;
import dev.mcpd.domain.port.ConnectionHandler;
import dev.mcpd.domain.port.LivenessProbe;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves one client connection of the daemon: the hellos, then a full MCP session (B-W2, B-W3, B-W4, B-W5, B-W6, and
 * the B-M behaviours of {@link McpServerSession}). Its helpers: {@link ConnectionAdmission} (the cap per transport),
 * {@link HelloTimer}, {@link TokenGate} (B-T3), {@link ClientExitWatch} (B-L2, B-L3) and {@link LiveConnections}
 * (disconnect, and the shutdown path).
 *
 * <p>Invariants:
 * <ol>
 *   <li>B-L1 the client is registered before anything is read and removed when the handler ends, however it ends.
 *   <li>B-W3 a first line that is not a client hello is handed to the MCP session untouched.
 *   <li>B-L2 a hello's pid is cross-checked against the kernel's peer pid; on mismatch the kernel wins. Each pid is
 *       stored with its start instant; the exit of the proxy or host process closes the connection (B-L3).
 *   <li>B-C4 a line over the limit gets an error and the connection is closed; a malformed line gets -32700 and the
 *       session goes on (B-M4).
 *   <li>B-W6 request ids are per connection: each connection has its own session.
 *   <li>B-T3 on a TCP connection, while the daemon has a token, the first line must be a client hello carrying that
 *       token (compared in constant time); otherwise the peer gets one JSON-RPC error saying why, the refusal is
 *       logged with its address, and the connection is closed at once. Nothing it sent reaches an engine. Until the
 *       token arrived the peer is not a client (not registered, review finding 18), its daemon hello carries the
 *       version only, and no more than {@link HelloProtocol#MAX_HELLO_BYTES} are read (review finding 5).
 *   <li>B-W3 a connection whose first whole line does not arrive within the hello timeout is closed and leaves no
 *       trace; past the per-transport connection cap a connection is closed at once, with nothing sent (review
 *       finding 16).
 *   <li>Review finding 5: the bytes buffered for lines still arriving come from one budget for the whole daemon; a
 *       line that cannot get budget is answered {@code -32600} and its connection closed, the others go on.
 *   <li>Review finding 4: every exit watch a connection made is closed when it ends; an exit event that reaps a
 *       client is logged (review finding 19). What the hello's pids are trusted with is ADR 0011's table.
 *   <li>B-W1 every line to a client goes through its connection's one {@link QueuedLineWriter}: a cancelled or
 *       interrupted call never tears a line (review finding 6). Once {@link #answerAndCancelAll} has begun, nothing
 *       waits on a client: a line that does not fit its queue closes that connection instead (review finding 2).
 * </ol>
 */
public final class ClientConnectionHandler implements ConnectionHandler {

    private static final Logger log = LoggerFactory.getLogger(ClientConnectionHandler.class);
    /**
     * Bytes that may wait unwritten for one client before its calls wait for it to read (and, on the shutdown
     * path, before it is disconnected): 1 MiB, plus the line being queued.
     */
    static final long OUTBOUND_BUDGET_BYTES = 1024 * 1024;
    /** How long a handler that is ending lets its queued lines reach the peer before the connection closes (B-C1). */
    static final Duration CLOSE_FLUSH = Duration.ofMillis(100);

    private final DaemonIdentity identity;
    private final DaemonSettings settings;
    private final ConnectionServices services;
    private final ConnectionAdmission admission;
    private final ClientExitWatch exitWatch;
    private final LiveConnections live;
    private final LineBudget lineBudget;
    private final AtomicLong connectionNumber = new AtomicLong();

    public ClientConnectionHandler(DaemonIdentity identity, DaemonSettings settings, ConnectionServices services) {
        this.identity = requireNonNull(identity, "identity is null");
        this.settings = requireNonNull(settings, "settings is null");
        this.services = requireNonNull(services, "services is null");
        this.admission = new ConnectionAdmission(settings.admission().maxConnectionsPerTransport());
        this.exitWatch = new ClientExitWatch(services.registry(), services.probe(), identity.pid().value());
        this.live = new LiveConnections(services.ticker());
        this.lineBudget = new LineBudget(settings.admission().lineBudgetBytes());
    }

    /** Bytes held right now by lines still arriving, over all connections (review finding 5). */
    public long bufferedLineBytes() {
        return lineBudget.usedBytes();
    }

    @Override
    public void handle(Connection connection) {
        if (!admission.tryAdmit(connection)) {
            return;
        }
        try {
            serve(connection, connection.endpoint().kind());
        } finally {
            admission.release(connection);
        }
    }

    private void serve(Connection connection, TransportKind kind) {
        PeerCredentials peer = connection.peer();
        // B-T3, review finding 18: with a token, no client is registered before the right token arrived
        boolean tokenFirst = kind == TransportKind.TCP && identity.token() != null;
        ClientId id = tokenFirst ? null : admit(kind, peer, connection);
        McpServerSession session = null;
        List<LivenessProbe.ExitWatch> watches = new ArrayList<>();
        QueuedLineWriter writer = QueuedLineWriter.start(connection.output(), OUTBOUND_BUDGET_BYTES,
                "mcpd-writer-" + (id != null ? id : "connection-" + connectionNumber.incrementAndGet()), connection::close);
        live.add(writer);
        LineReader reader = new LineReader(connection.input(), settings.maxLineBytes(), lineBudget);
        HelloTimer helloTimer = HelloTimer.start(connection, settings.admission().helloTimeout());
        try {
            // Before the token, the hello says which build answers (B-W5) and nothing about the daemon (finding 18)
            writer.writeLine(services.codec().write(HelloProtocol.daemonHello(tokenFirst
                    ? new DaemonHello(identity.version(), DaemonHello.PROTOCOL, 0, "")
                    : new DaemonHello(identity.version(), DaemonHello.PROTOCOL, identity.pid().value(), identity.scope()))));
            byte[] line;
            try {
                // Review finding 5: before the token, no more than a hello's 4 KiB is read
                line = reader.readLine(tokenFirst ? HelloProtocol.MAX_HELLO_BYTES : settings.maxLineBytes());
            } catch (LineTooLongException e) {
                if (!tokenFirst) {
                    throw e;
                }
                refuse(connection, writer, "its first line was longer than a client hello may be ("
                        + HelloProtocol.MAX_HELLO_BYTES + " bytes)");
                return;
            } finally {
                helloTimer.cancel();
            }
            if (line == null) {
                if (helloTimer.timedOut()) {
                    log.debug("{}: closed: no first line within {} (B-W3)", id == null ? "a TCP peer" : id,
                            settings.admission().helloTimeout());
                }
                return; // closed before or during the hello: leaves no trace (B-L1)
            }
            InboundLine first = InboundLine.parse(services.codec(), line);
            HelloProtocol.Parsed hello = first.error() == null
                    ? HelloProtocol.parseClientHello(first.value(), line.length) : new HelloProtocol.Parsed.NotHello();
            if (tokenFirst) {
                String refusal = TokenGate.refusal(identity.token(), hello);
                if (refusal != null) {
                    refuse(connection, writer, refusal);
                    return;
                }
                id = admit(kind, peer, connection);
            }
            services.registry().touch(id, services.clock().instant());
            Map<String, String> env = Map.of();
            boolean firstIsMcp = true;
            switch (hello) {
                case HelloProtocol.Parsed.Hello(ClientHello h) -> {
                    String refusal = exitWatch.identify(id, peer, h, connection, watches);
                    if (refusal != null) {
                        log.warn("{}: refused: {} (ADR 0011)", id, refusal);
                        trySend(writer, JsonRpc.error(null, JsonRpc.INVALID_REQUEST,
                                "mcpd refused this connection: " + refusal));
                        return;
                    }
                    env = h.env();
                    firstIsMcp = false;
                }
                case HelloProtocol.Parsed.Malformed(String reason) -> {
                    log.warn("{}: rejected client hello: {}; serving it as a legacy client", id, reason);
                    firstIsMcp = false;
                }
                case HelloProtocol.Parsed.NotHello() -> log.debug("{}: legacy client (no hello)", id);
            }
            session = newSession(id, writer, env);
            live.add(session);
            if (firstIsMcp) {
                first.deliverTo(session);
            }
            while ((line = reader.readLine()) != null) {
                services.registry().touch(id, services.clock().instant());
                InboundLine.parse(services.codec(), line).deliverTo(session);
            }
        } catch (LineTooLongException e) {
            log.warn("{}: {}; closing the connection (B-C4)", id, e.getMessage());
            trySend(writer, JsonRpc.error(null, JsonRpc.INVALID_REQUEST,
                    "Invalid Request: " + e.getMessage() + "; mcpd closed the connection"));
        } catch (IOException e) {
            log.debug("{}: connection ended: {}", id, e.toString());
        } catch (RuntimeException e) {
            log.error("{}: unexpected failure serving the connection", id, e);
        } finally {
            helloTimer.cancel();
            reader.release();
            writer.awaitDrained(CLOSE_FLUSH);
            writer.close();
            live.remove(writer);
            watches.forEach(LivenessProbe.ExitWatch::close); // review finding 4: no watch outlives its connection
            if (session != null) {
                live.remove(session);
                session.close(false);
            }
            if (id != null) {
                live.remove(id);
                services.registry().remove(id);
                services.activity().clientLeft();
                log.debug("{}: removed", id);
            }
        }
    }

    /** Registers a client (B-L1) and makes it reachable by {@link #disconnect}. */
    private ClientId admit(TransportKind kind, PeerCredentials peer, Connection connection) {
        ClientId id = services.registry().register(kind, peer, services.clock().instant());
        live.add(id, connection);
        return id;
    }

    /** Refuses a TCP peer before it is a client (B-T3): one JSON-RPC error saying why, a log line, closed. */
    private void refuse(Connection connection, QueuedLineWriter writer, String refusal) {
        log.warn("refused the TCP client at {}: {} (B-T3)", connection.remoteAddress().orElse("an unknown address"), refusal);
        trySend(writer, JsonRpc.error(null, JsonRpc.INVALID_REQUEST, TokenGate.refusalMessage(refusal)));
    }

    private McpServerSession newSession(ClientId id, QueuedLineWriter writer, Map<String, String> env) {
        CallObserver observer = new CallObserver() {
            @Override
            public void callStarted() {
                services.registry().callStarted(id);
            }

            @Override
            public void callFinished() {
                services.registry().callFinished(id);
                services.activity().callFinished();
            }
        };
        SessionSettings sessionSettings = new SessionSettings(services.serverInfo(), settings.callTimeout(),
                settings.toolsPageSize(), settings.maxCallsPerClient());
        return new McpServerSession(services.catalog(), sessionSettings, message -> {
            byte[] line = services.codec().write(message);
            if (live.stopping()) {
                writer.offerLine(line); // the shutdown path never waits on a client (review finding 2)
                return;
            }
            try {
                writer.writeLine(line);
                services.registry().touch(id, services.clock().instant());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, observer, id, env, services.clock(), services.ticker(), services.codec());
    }

    /** Queues a last message without waiting; the handler's end lets it reach the peer for {@link #CLOSE_FLUSH}. */
    private void trySend(QueuedLineWriter writer, Map<String, Object> message) {
        if (!writer.offerLine(services.codec().write(message))) {
            log.debug("could not send the closing error: {}", writer.brokenBecause());
        }
    }

    /**
     * Closes a client's connection now (a reaped client, B-L3); its handler then removes it. Unknown ids are ignored.
     *
     * @return whether the client was connected
     */
    public boolean disconnect(ClientId id, String why) {
        return live.disconnect(id, why);
    }

    /**
     * Cancels every call in flight on every connection; each gets an error response (B-E1). Never blocks: each answer
     * is queued on its connection's writer, and a client whose queue is full is disconnected instead (review
     * finding 2). {@link #awaitFlushed} then gives the answers a bounded time to reach the clients.
     */
    public void answerAndCancelAll() {
        live.answerAndCancelAll();
    }

    /**
     * Waits until every connection's queued lines are written, or {@code timeout} has passed (read from the
     * injected ticker).
     *
     * @return true if nothing is left to write
     */
    public boolean awaitFlushed(Duration timeout) {
        return live.awaitFlushed(timeout);
    }
}
