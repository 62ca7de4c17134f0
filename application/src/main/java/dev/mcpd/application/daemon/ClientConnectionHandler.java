package dev.mcpd.application.daemon;

import static java.util.Objects.requireNonNull;

import dev.mcpd.application.mcp.CallObserver;
import dev.mcpd.application.mcp.JsonRpc;
import dev.mcpd.application.mcp.McpServerSession;
import dev.mcpd.application.mcp.ServerInfo;
import dev.mcpd.application.mcp.ToolCatalog;
import dev.mcpd.application.wire.LineReader;
import dev.mcpd.application.wire.QueuedLineWriter;
import dev.mcpd.domain.error.LineTooLongException;
import dev.mcpd.domain.error.MalformedMessageException;
import dev.mcpd.domain.model.ClientHello;
import dev.mcpd.domain.model.ClientId;
import dev.mcpd.domain.model.DaemonHello;
import dev.mcpd.domain.model.PeerCredentials;
import dev.mcpd.domain.model.Pid;
import dev.mcpd.domain.model.TransportKind;
import dev.mcpd.domain.port.ClientRegistry;
import dev.mcpd.domain.port.Connection;
import dev.mcpd.domain.port.ConnectionHandler;
import dev.mcpd.domain.port.JsonCodec;
import dev.mcpd.domain.port.LivenessProbe;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves one client connection of the daemon: the hellos, then a full MCP session (B-W2..W6, B-M*).
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
 *       logged with its address, and the connection is closed at once. Nothing it sent reaches an engine.
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
    private final ServerInfo serverInfo;
    private final ToolCatalog catalog;
    private final ClientRegistry registry;
    private final LivenessProbe probe;
    private final JsonCodec codec;
    private final ActivityTracker activity;
    private final Clock clock;
    private final Set<McpServerSession> sessions = ConcurrentHashMap.newKeySet();
    private final Map<ClientId, Connection> connections = new ConcurrentHashMap<>();
    private final Map<ClientId, QueuedLineWriter> writers = new ConcurrentHashMap<>();
    /** Set when shutdown begins: from then on lines are offered, never waited for (review finding 2). */
    private volatile boolean stopping;

    public ClientConnectionHandler(DaemonIdentity identity, DaemonSettings settings, ServerInfo serverInfo,
            ToolCatalog catalog, ClientRegistry registry, LivenessProbe probe, JsonCodec codec, ActivityTracker activity,
            Clock clock) {
        this.identity = requireNonNull(identity, "identity is null");
        this.settings = requireNonNull(settings, "settings is null");
        this.serverInfo = requireNonNull(serverInfo, "serverInfo is null");
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.registry = requireNonNull(registry, "registry is null");
        this.probe = requireNonNull(probe, "probe is null");
        this.codec = requireNonNull(codec, "codec is null");
        this.activity = requireNonNull(activity, "activity is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    @Override
    public void handle(Connection connection) {
        PeerCredentials peer = connection.peer();
        ClientId id = registry.register(connection.endpoint().kind(), peer, clock.instant());
        connections.put(id, connection);
        McpServerSession session = null;
        QueuedLineWriter writer = QueuedLineWriter.start(connection.output(), OUTBOUND_BUDGET_BYTES, "mcpd-writer-" + id,
                connection::close);
        writers.put(id, writer);
        try {
            writer.writeLine(codec.write(HelloProtocol.daemonHello(
                    new DaemonHello(identity.version(), DaemonHello.PROTOCOL, identity.pid().value(), identity.scope()))));
            LineReader reader = new LineReader(connection.input(), settings.maxLineBytes());
            byte[] line = reader.readLine();
            if (line == null) {
                return; // closed before or during the hello: leaves no trace (B-L1)
            }
            registry.touch(id, clock.instant());
            Parsed first = parse(line);
            String refusal = tokenRefusal(connection, first, line.length);
            if (refusal != null) {
                log.warn("{}: refused the TCP client at {}: {} (B-T3)", id,
                        connection.remoteAddress().orElse("an unknown address"), refusal);
                trySend(writer, JsonRpc.error(null, JsonRpc.INVALID_REQUEST, "mcpd refused this connection: " + refusal
                        + ". Pass the token from the daemon's daemon.json, e.g. `mcpd serve --mcp --connect tcp://HOST:PORT"
                        + " --token-file PATH/daemon.json`"));
                return;
            }
            Map<String, String> env = Map.of();
            boolean firstIsMcp = true;
            if (first.error() == null) {
                switch (HelloProtocol.parseClientHello(first.value(), line.length)) {
                    case HelloProtocol.Parsed.Hello(ClientHello hello) -> {
                        identify(id, peer, hello, connection);
                        env = hello.env();
                        firstIsMcp = false;
                    }
                    case HelloProtocol.Parsed.Malformed(String reason) -> {
                        log.warn("{}: rejected client hello: {}; serving it as a legacy client", id, reason);
                        firstIsMcp = false;
                    }
                    case HelloProtocol.Parsed.NotHello() -> log.debug("{}: legacy client (no hello)", id);
                }
            }
            session = newSession(id, writer, env);
            sessions.add(session);
            if (firstIsMcp) {
                deliver(session, first);
            }
            while ((line = reader.readLine()) != null) {
                registry.touch(id, clock.instant());
                deliver(session, parse(line));
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
            if (session != null) {
                sessions.remove(session);
                session.close(false);
            }
            writer.awaitDrained(CLOSE_FLUSH);
            writer.close();
            writers.remove(id);
            connections.remove(id);
            registry.remove(id);
            activity.clientLeft();
            log.debug("{}: removed", id);
        }
    }

    private McpServerSession newSession(ClientId id, QueuedLineWriter writer, Map<String, String> env) {
        CallObserver observer = new CallObserver() {
            @Override
            public void callStarted() {
                registry.callStarted(id);
            }

            @Override
            public void callFinished() {
                registry.callFinished(id);
            }
        };
        return new McpServerSession(catalog, serverInfo, message -> {
            byte[] line = codec.write(message);
            if (stopping) {
                writer.offerLine(line); // the shutdown path never waits on a client (review finding 2)
                return;
            }
            try {
                writer.writeLine(line);
                registry.touch(id, clock.instant());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, observer, id, env, clock, settings.callTimeout(), settings.toolsPageSize(), codec,
                settings.maxCallsPerClient());
    }

    /** A parsed line: its value, or why it is not JSON (then {@code value} is null). */
    private record Parsed(Object value, String error) {}

    private Parsed parse(byte[] line) {
        try {
            return new Parsed(codec.parse(line, 0, line.length), null);
        } catch (MalformedMessageException e) {
            return new Parsed(null, e.getMessage());
        }
    }

    private static void deliver(McpServerSession session, Parsed parsed) {
        if (parsed.error() != null) {
            session.onMalformed(parsed.error());
        } else {
            session.onMessage(parsed.value());
        }
    }

    /** Why a TCP peer is refused (B-T3), or null when it may go on. */
    private String tokenRefusal(Connection connection, Parsed first, int lineBytes) {
        if (connection.endpoint().kind() != TransportKind.TCP || identity.token() == null) {
            return null;
        }
        if (first.error() != null
                || !(HelloProtocol.parseClientHello(first.value(), lineBytes) instanceof HelloProtocol.Parsed.Hello(ClientHello hello))) {
            return "its first line was not a client hello with a token";
        }
        if (hello.token() == null) {
            return "its hello had no token";
        }
        return identity.token().matches(hello.token()) ? null : "its hello had a wrong token";
    }

    private void identify(ClientId id, PeerCredentials peer, ClientHello hello, Connection connection) {
        long proxyPidValue = hello.pid();
        if (peer.hasPid() && peer.pid() != hello.pid()) {
            log.warn("{}: hello says pid {} but the kernel says {}; trusting the kernel (B-L2)", id, hello.pid(), peer.pid());
            proxyPidValue = peer.pid();
        }
        Pid proxyPid = probe.identify(proxyPidValue).orElse(null);
        Pid hostPid = hello.hostPid() == null ? null : probe.identify(hello.hostPid()).orElse(null);
        registry.identify(id, proxyPid, hostPid);
        // Event-driven reaping (B-L3): the exit of either process ends the client even if no close is delivered.
        if (proxyPid != null) {
            probe.onExit(proxyPid, connection::close);
        }
        if (hostPid != null) {
            probe.onExit(hostPid, connection::close);
        }
        log.info("{}: hello from proxy pid {} host pid {}", id, proxyPid, hostPid);
    }

    /** Queues a last message without waiting; the handler's end lets it reach the peer for {@link #CLOSE_FLUSH}. */
    private void trySend(QueuedLineWriter writer, Map<String, Object> message) {
        if (!writer.offerLine(codec.write(message))) {
            log.debug("could not send the closing error: {}", writer.brokenBecause());
        }
    }

    /**
     * Closes a client's connection now (a reaped client, B-L3); its handler then removes it. Unknown ids are ignored.
     *
     * @return whether the client was connected
     */
    public boolean disconnect(ClientId id, String why) {
        Connection connection = connections.get(id);
        if (connection == null) {
            return false;
        }
        log.info("{}: disconnecting: {}", id, why);
        connection.close();
        return true;
    }

    /**
     * Cancels every call in flight on every connection; each gets an error response (B-E1). Never blocks: each answer
     * is queued on its connection's writer, and a client whose queue is full is disconnected instead (review
     * finding 2). {@link #awaitFlushed} then gives the answers a bounded time to reach the clients.
     */
    public void answerAndCancelAll() {
        stopping = true;
        for (McpServerSession session : sessions) {
            session.close(true);
        }
    }

    /**
     * Waits until every connection's queued lines are written, or {@code timeout} has passed.
     *
     * @return true if nothing is left to write
     */
    public boolean awaitFlushed(Duration timeout) {
        long until = System.nanoTime() + timeout.toNanos();
        boolean all = true;
        for (QueuedLineWriter writer : writers.values()) {
            all &= writer.awaitDrained(Duration.ofNanos(Math.max(0, until - System.nanoTime())));
        }
        return all;
    }
}
