package dev.mcpd.application.daemon;

import static java.util.Objects.requireNonNull;

import dev.mcpd.application.jsonrpc.JsonRpc;
import dev.mcpd.application.mcp.CallObserver;
import dev.mcpd.application.mcp.McpServerSession;
import dev.mcpd.application.mcp.ServerInfo;
import dev.mcpd.application.mcp.SessionSettings;
import dev.mcpd.application.mcp.ToolCatalog;
import dev.mcpd.application.wire.LineBudget;
import dev.mcpd.application.wire.LineReader;
import dev.mcpd.application.wire.QueuedLineWriter;
import dev.mcpd.domain.error.LineTooLongException;
import dev.mcpd.domain.error.MalformedMessageException;
import dev.mcpd.domain.model.ClientDescription;
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
import dev.mcpd.domain.time.Ticker;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
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
    private final ServerInfo serverInfo;
    private final ToolCatalog catalog;
    private final ClientRegistry registry;
    private final LivenessProbe probe;
    private final JsonCodec codec;
    private final ActivityTracker activity;
    private final Clock clock;
    private final Set<McpServerSession> sessions = ConcurrentHashMap.newKeySet();
    private final Map<ClientId, Connection> connections = new ConcurrentHashMap<>();
    private final Map<TransportKind, AtomicInteger> openConnections = new ConcurrentHashMap<>();
    private final AtomicLong refusedOverCap = new AtomicLong();
    private final LineBudget lineBudget;
    private final Set<QueuedLineWriter> writers = ConcurrentHashMap.newKeySet();
    private final AtomicLong connectionNumber = new AtomicLong();
    /** Set when shutdown begins: from then on lines are offered, never waited for (review finding 2). */
    private volatile boolean stopping;

    /** Closes connections whose first line is late (B-W3); its one thread ends when idle. */
    private static final ScheduledThreadPoolExecutor HELLO_TIMER = helloTimer();

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
        this.lineBudget = new LineBudget(settings.admission().lineBudgetBytes());
    }

    private static ScheduledThreadPoolExecutor helloTimer() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1,
                Thread.ofPlatform().name("mcpd-hello-timer").daemon().factory());
        timer.setRemoveOnCancelPolicy(true); // a cancelled timer does not hold its connection until it would fire
        timer.setKeepAliveTime(10, TimeUnit.SECONDS);
        timer.allowCoreThreadTimeOut(true);
        return timer;
    }

    /** Bytes held right now by lines still arriving, over all connections (review finding 5). */
    public long bufferedLineBytes() {
        return lineBudget.usedBytes();
    }

    @Override
    public void handle(Connection connection) {
        TransportKind kind = connection.endpoint().kind();
        AtomicInteger open = openConnections.computeIfAbsent(kind, k -> new AtomicInteger());
        if (open.incrementAndGet() > settings.admission().maxConnectionsPerTransport()) {
            open.decrementAndGet();
            long refused = refusedOverCap.incrementAndGet();
            if (Long.bitCount(refused) == 1) { // the 1st, 2nd, 4th, 8th...: a flood cannot flood the log
                log.warn("refused a {} connection from {}: {} connections are open on it, the cap "
                        + "(MCPD_DAEMON_MAX_CONNECTIONS); {} refused so far (review finding 16)", kind.scheme(),
                        connection.remoteAddress().orElse("a local peer"),
                        settings.admission().maxConnectionsPerTransport(), refused);
            }
            connection.close();
            return;
        }
        try {
            serve(connection, kind);
        } finally {
            open.decrementAndGet();
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
        writers.add(writer);
        LineReader reader = new LineReader(connection.input(), settings.maxLineBytes(), lineBudget);
        AtomicBoolean helloTimedOut = new AtomicBoolean();
        ScheduledFuture<?> helloTimer = HELLO_TIMER.schedule(() -> {
            helloTimedOut.set(true);
            connection.close();
        }, settings.admission().helloTimeout().toNanos(), TimeUnit.NANOSECONDS);
        try {
            // Before the token, the hello says which build answers (B-W5) and nothing about the daemon (finding 18)
            writer.writeLine(codec.write(HelloProtocol.daemonHello(tokenFirst
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
                helloTimer.cancel(false);
            }
            if (line == null) {
                if (helloTimedOut.get()) {
                    log.debug("{}: closed: no first line within {} (B-W3)", id == null ? "a TCP peer" : id,
                            settings.admission().helloTimeout());
                }
                return; // closed before or during the hello: leaves no trace (B-L1)
            }
            Parsed first = parse(line);
            HelloProtocol.Parsed hello = first.error() == null
                    ? HelloProtocol.parseClientHello(first.value(), line.length) : new HelloProtocol.Parsed.NotHello();
            if (tokenFirst) {
                String refusal = tokenRefusal(hello);
                if (refusal != null) {
                    refuse(connection, writer, refusal);
                    return;
                }
                id = admit(kind, peer, connection);
            }
            registry.touch(id, clock.instant());
            Map<String, String> env = Map.of();
            boolean firstIsMcp = true;
            switch (hello) {
                case HelloProtocol.Parsed.Hello(ClientHello h) -> {
                    String refusal = identify(id, peer, h, connection, watches);
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
            helloTimer.cancel(false);
            reader.release();
            writer.awaitDrained(CLOSE_FLUSH);
            writer.close();
            writers.remove(writer);
            watches.forEach(LivenessProbe.ExitWatch::close); // review finding 4: no watch outlives its connection
            if (session != null) {
                sessions.remove(session);
                session.close(false);
            }
            if (id != null) {
                connections.remove(id);
                registry.remove(id);
                activity.clientLeft();
                log.debug("{}: removed", id);
            }
        }
    }

    /** Registers a client (B-L1) and makes it reachable by {@link #disconnect}. */
    private ClientId admit(TransportKind kind, PeerCredentials peer, Connection connection) {
        ClientId id = registry.register(kind, peer, clock.instant());
        connections.put(id, connection);
        return id;
    }

    /** Refuses a TCP peer before it is a client (B-T3): one JSON-RPC error saying why, a log line, closed. */
    private void refuse(Connection connection, QueuedLineWriter writer, String refusal) {
        log.warn("refused the TCP client at {}: {} (B-T3)", connection.remoteAddress().orElse("an unknown address"), refusal);
        trySend(writer, JsonRpc.error(null, JsonRpc.INVALID_REQUEST, "mcpd refused this connection: " + refusal
                + ". Pass the token from the daemon's daemon.json, e.g. `mcpd serve --mcp --connect tcp://HOST:PORT"
                + " --token-file PATH/daemon.json`"));
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
        SessionSettings sessionSettings = new SessionSettings(serverInfo, settings.callTimeout(), settings.toolsPageSize(),
                settings.maxCallsPerClient());
        return new McpServerSession(catalog, sessionSettings, message -> {
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
        }, observer, id, env, clock, Ticker.system(), codec);
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

    /** Why a TCP peer is refused (B-T3), or null when its first line is a hello with the daemon's token. */
    private String tokenRefusal(HelloProtocol.Parsed first) {
        if (!(first instanceof HelloProtocol.Parsed.Hello(ClientHello hello))) {
            return "its first line was not a client hello with a token";
        }
        if (hello.token() == null) {
            return "its hello had no token";
        }
        return identity.token().matches(hello.token()) ? null : "its hello had a wrong token";
    }

    /**
     * Attaches the hello's pids to the client and watches them (B-L2, B-L3; ADR 0011 gives the reason for each rule).
     *
     * <ul>
     *   <li>Without a kernel pid (TCP, review finding 10) the hello's pids may name processes in another pid
     *       namespace: they are stored for display only, never probed or watched.
     *   <li>With one, the kernel's pid is the proxy's, whatever the hello says.
     *   <li>A host pid that is not running is a phantom: the connection is refused with a JSON-RPC error (B-L3,
     *       issue item 24).
     *   <li>A host pid that is 1 or the daemon itself is stored as unknown (review finding 20): it would be provably
     *       alive for ever and hold off the backstop (B-L5).
     *   <li>A host pid that is not an ancestor of the kernel's proxy pid is logged and kept: the proxy pid is
     *       watched as well, so a wrong host can never keep a dead client alive.
     * </ul>
     *
     * @return why the connection is refused, or null when the client was identified
     */
    private String identify(ClientId id, PeerCredentials peer, ClientHello hello, Connection connection,
            List<LivenessProbe.ExitWatch> watches) {
        if (!peer.hasPid()) {
            registry.identify(id, null, null);
            registry.describe(id, new ClientDescription(hello.role(), hello.pid(), hello.hostPid()));
            log.info("{}: hello from proxy pid {} host pid {}{} as the peer reports them; no kernel pid, so neither is "
                    + "watched (review finding 10)", id, hello.pid(), hello.hostPid(), role(hello));
            return null;
        }
        registry.describe(id, new ClientDescription(hello.role(), null, null));
        if (peer.pid() != hello.pid()) {
            log.warn("{}: hello says pid {} but the kernel says {}; trusting the kernel (B-L2)", id, hello.pid(), peer.pid());
        }
        Pid proxyPid = probe.identify(peer.pid()).orElse(null);
        Pid hostPid = null;
        if (hello.hostPid() != null) {
            long host = hello.hostPid();
            String unknownBecause = host == 1 ? "it is pid 1, which never exits"
                    : host == identity.pid().value() ? "it is the daemon itself"
                    : null;
            if (unknownBecause == null) {
                Optional<Pid> found = probe.identify(host);
                if (found.isEmpty()) {
                    return "the host process " + host + " named in the hello is not running, and a client whose host "
                            + "has exited is dropped (B-L3)";
                }
                List<Long> ancestors = probe.ancestors(peer.pid());
                if (!ancestors.isEmpty() && !ancestors.contains(host)) {
                    // Kept: it cannot keep a dead client alive, since the kernel's proxy pid is watched too (ADR 0011)
                    log.warn("{}: hello names host pid {}, which is not an ancestor of the proxy process {}; a host "
                            + "named by MCPD_HOST_PID is normally one (review finding 20)", id, host, peer.pid());
                }
                hostPid = found.get();
            }
            if (unknownBecause != null) {
                log.warn("{}: hello names host pid {}; stored as unknown because {} (review finding 20)", id, host,
                        unknownBecause);
            }
        }
        registry.identify(id, proxyPid, hostPid);
        // Event-driven reaping (B-L3): the exit of either process ends the client even if no close is delivered.
        if (proxyPid != null) {
            watches.add(watchExit(id, "proxy", proxyPid, connection));
        }
        if (hostPid != null) {
            watches.add(watchExit(id, "host", hostPid, connection));
        }
        log.info("{}: hello from proxy pid {} host pid {}{}", id, proxyPid, hostPid, role(hello));
        return null;
    }

    /** Closes the connection when the process exits, saying so (review finding 19). */
    private LivenessProbe.ExitWatch watchExit(ClientId id, String what, Pid pid, Connection connection) {
        return probe.onExit(pid, () -> {
            log.info("{}: {} pid {} exited; disconnecting (B-L3)", id, what, pid.value());
            connection.close();
        });
    }

    private static String role(ClientHello hello) {
        return hello.role() == null ? "" : " role " + hello.role();
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
        for (QueuedLineWriter writer : writers) {
            all &= writer.awaitDrained(Duration.ofNanos(Math.max(0, until - System.nanoTime())));
        }
        return all;
    }
}
