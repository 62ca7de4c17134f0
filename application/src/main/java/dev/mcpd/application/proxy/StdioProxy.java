package dev.mcpd.application.proxy;

import static java.util.Objects.requireNonNull;

import dev.mcpd.application.daemon.HelloProtocol;
import dev.mcpd.application.jsonrpc.JsonRpcMessage;
import dev.mcpd.application.jsonrpc.JsonRpcMessages;
import dev.mcpd.application.mcp.McpServerSession;
import dev.mcpd.application.mcp.ToolCatalog;
import dev.mcpd.application.wire.LineReader;
import dev.mcpd.application.wire.LineWriter;
import dev.mcpd.application.wire.QueuedLineWriter;
import dev.mcpd.domain.error.LineTooLongException;
import dev.mcpd.domain.error.MalformedMessageException;
import dev.mcpd.domain.port.JsonCodec;
import dev.mcpd.domain.time.Ticker;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntConsumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code mcpd serve --mcp}: the stdio MCP server a host starts. It pipes MCP lines between the host and the
 * scope's daemon, and serves the session itself when the daemon cannot (B-G3, B-G4).
 *
 * <p>Invariants:
 * <ol>
 *   <li>B-G1 the proxy ends when the host's stdin ends; it then closes its daemon connection at once. It also ends
 *       when its {@link HostWatchdog} finds the host gone (stdin held open by another process) or silent past the
 *       startup window (B-G2): connections and engines are closed, then {@code exit} is called with 0.
 *   <li>B-G3 every request forwarded to the daemon is tracked until its response passes back; if the daemon
 *       connection drops, each one still pending is answered: re-served in-process when that is safe
 *       ({@code ping}, {@code initialize}, {@code tools/list}, read-only tools), otherwise an error saying the
 *       daemon went away and that the call may have run.
 *   <li>B-G4 after a drop, or when no daemon can be reached, the session is served in-process.
 *   <li>B-G5 after a drop, a background thread finds (or launches) a daemon again, retrying with exponential
 *       backoff ({@link ProxySettings#reconnect()}, {@link Reconnector}); on a daemon of this build it sends
 *       the client hello, replays the host's cached {@code initialize} under a private id (its answer is not
 *       passed on) and {@code notifications/initialized} ({@link InitializeReplay}), then moves the session back
 *       at a quiet moment: when no call is running in-process (checked under the lock that dispatches host lines,
 *       so no call can start in between; between checks it waits for the session's in-flight count to reach 0,
 *       signalled, not polled). Every request is answered exactly once: by the in-process session before the move,
 *       by the daemon after it.
 *   <li>B-W5 a daemon of another build is never used for the session: the proxy says so once on stderr, serves
 *       in-process, and asks that daemon to stop ({@code daemon_stop}) only when it serves no other session
 *       ({@link OldDaemonDrain}).
 *   <li>B-G7 stdout carries only MCP messages; diagnostics go to the log.
 *   <li>No cycle of waits (review finding 7): the bookkeeping lock is never held across a write to the daemon or to
 *       stdout, so the daemon's answers always drain while a host pipelines requests.
 *   <li>B-W1 one writer per side, which no cancellation can tear: every line to the host goes through one
 *       {@link QueuedLineWriter}, whose own thread alone writes stdout (an in-process call that is cancelled or
 *       interrupted while sending only fails to queue); every line to the daemon is written by one thread through the
 *       {@link SessionRoute.DaemonRoute}'s {@link LineWriter}: the thread that opens the link, then, once the route
 *       is current, the host's reader thread alone, which nothing interrupts.
 *   <li>One answer per request (review finding 14, B-G3): a daemon's response is passed on only while its id is still
 *       pending on the current link ({@link ProxyRouting}); lines from a link that is no longer current are dropped.
 * </ol>
 */
public final class StdioProxy {

    private static final Logger log = LoggerFactory.getLogger(StdioProxy.class);
    /** How long a proxy whose host closed stdin still waits for answers to requests already sent. */
    private static final Duration DRAIN_ON_EOF = Duration.ofSeconds(5);
    /** How long the old daemon of another build may take to answer the drain request (B-W5). */
    private static final Duration DRAIN_REQUEST_TIMEOUT = Duration.ofSeconds(5);
    /** Bytes written to the host's stdout may lag this far behind before senders wait (back-pressure). */
    private static final long HOST_BUDGET_BYTES = 1024 * 1024;
    /** The longest single wait for a quiet moment before the move back to a daemon is checked again (B-G5). */
    private static final Duration QUIET_CHECK = Duration.ofSeconds(1);

    private final Supplier<DaemonFinder.Result> daemon;
    private final InProcessServer inProcess;
    private final JsonCodec codec;
    private final ProxySettings settings;
    private final HostWatchdog watchdog;
    private final IntConsumer exit;
    private final InitializeReplay initialize = new InitializeReplay();
    private final OldDaemonDrain oldDaemon;
    private final Reconnector reconnector;
    private final ProxyRouting routing;
    /** Serialises in-process dispatch with the moves between daemon and in-process; taken before the routing's lock. */
    private final ReentrantLock dispatch = new ReentrantLock();
    private volatile QueuedLineWriter host;

    /**
     * @param daemon finds or starts the daemon; called once, unless {@code MCPD_NO_DAEMON} made it return NotReachable
     * @param inProcess serves the session when the daemon cannot
     * @param codec JSON codec
     * @param settings line limit, reconnect backoff, environment and client hello
     * @param diagnostics where the few messages a person must see go (stderr; B-W5); nothing in normal operation
     * @param watchdog watches the host (B-G1, B-G2); started after connecting
     * @param exit ends the process with the given code when the watchdog finds the host gone ({@code System::exit})
     * @param ticker measures the proxy's waits ({@link Ticker#system()} in production)
     */
    public StdioProxy(Supplier<DaemonFinder.Result> daemon, InProcessServer inProcess, JsonCodec codec,
            ProxySettings settings, PrintStream diagnostics, HostWatchdog watchdog, IntConsumer exit, Ticker ticker) {
        this.daemon = requireNonNull(daemon, "daemon is null");
        this.inProcess = requireNonNull(inProcess, "inProcess is null");
        this.codec = requireNonNull(codec, "codec is null");
        this.settings = requireNonNull(settings, "settings is null");
        this.oldDaemon = new OldDaemonDrain(codec, settings.hello(), diagnostics, DRAIN_REQUEST_TIMEOUT);
        this.watchdog = requireNonNull(watchdog, "watchdog is null");
        this.exit = requireNonNull(exit, "exit is null");
        this.reconnector = new Reconnector(settings.reconnect(), daemon, this::rejoin, ticker);
        this.routing = new ProxyRouting(() -> inProcess.open(this::send, settings.environment()), ticker);
    }

    /**
     * Serves the host until its stdin ends.
     *
     * @return the exit code, 0 when the host closed stdin
     */
    public int run(InputStream hostIn, OutputStream hostOut) {
        host = QueuedLineWriter.start(hostOut, HOST_BUDGET_BYTES, "proxy-to-host",
                () -> log.debug("host stdout closed: {}", host.brokenBecause()));
        connect();
        HostInput input = new HostInput(hostIn);
        Thread watching = watchdog.start(input::spoke, this::hostGone);
        LineReader reader = new LineReader(input, settings.maxLineBytes());
        try {
            byte[] line;
            while ((line = reader.readLine()) != null) {
                fromHost(line);
            }
        } catch (LineTooLongException e) {
            log.error("host sent {}; ending the session", e.getMessage());
            return 2;
        } catch (IOException e) {
            log.info("host stdin failed: {}", e.toString());
        } finally {
            watching.interrupt();
            drainOnEof();
        }
        log.info("host closed stdin; proxy exits");
        return 0;
    }

    /**
     * The host is done sending: requests already sent still get their answers, written to stdout (a host that pipes a
     * script and closes stdin expects them), each wait bounded by {@link #DRAIN_ON_EOF}; then everything is closed.
     */
    private void drainOnEof() {
        routing.awaitAnswers(DRAIN_ON_EOF);
        // daemonLost answers what a lost daemon owed under `dispatch`: wait for it to finish
        dispatch.lock();
        dispatch.unlock();
        McpServerSession session = routing.inProcessSession();
        if (session != null) {
            session.awaitIdle(DRAIN_ON_EOF);
        }
        host.awaitDrained(DRAIN_ON_EOF);
        closeAll();
    }

    /** The watchdog's verdict (B-G1, B-G2): nobody is left to answer, so close everything and end the process. */
    private void hostGone(String why) {
        terminate(why, 0);
    }

    /**
     * Ends the session now, e.g. on the SIGINT or SIGTERM a host sends to stop its server (B-G1): closes the daemon
     * connection, the in-process session and its engines, then calls {@code exit} with {@code code}. Safe from any
     * thread, also while {@link #run} is blocked reading stdin.
     *
     * @param why for the log
     * @param code the process exit code, e.g. 143 for SIGTERM
     */
    public void terminate(String why, int code) {
        closeAll();
        log.info("proxy exits: {}", why);
        exit.accept(code);
    }

    /** Marks the proxy closing, then closes the daemon link, the in-process session and its engines. */
    private void closeAll() {
        SessionRoute last = routing.close();
        reconnector.close();
        if (last instanceof SessionRoute.DaemonRoute(DaemonLink link, LineWriter writer)) {
            link.connection().close();
        }
        McpServerSession session = routing.inProcessSession();
        if (session != null) {
            session.close(false);
        }
        inProcess.close();
        QueuedLineWriter toHost = host;
        if (toHost != null) {
            toHost.close();
        }
    }

    private void connect() {
        switch (daemon.get()) {
            case DaemonFinder.Result.Found(DaemonLink found) -> {
                try {
                    routing.connected(new SessionRoute.DaemonRoute(found, sayHello(found)));
                    Thread.ofVirtual().name("daemon-to-host").start(() -> pumpFromDaemon(found));
                    log.info("connected to daemon pid {} ({})", found.hello().pid(), found.connection().endpoint());
                } catch (IOException e) {
                    found.connection().close();
                    routing.fallBack("the daemon closed the connection during the hello: " + e.getMessage());
                }
            }
            case DaemonFinder.Result.VersionMismatch mismatch -> {
                oldDaemon.announce(mismatch);
                routing.fallBack("daemon version " + mismatch.hello().version() + " differs (B-W5)");
                oldDaemon.start(mismatch);
            }
            case DaemonFinder.Result.NotReachable(String reason) -> routing.fallBack(reason);
        }
    }

    /**
     * One line from the host, classified once. Review finding 7: the routing's lock covers only the bookkeeping; the
     * write to the daemon happens after it is released (the daemon's {@link LineWriter} has its own lock), so the
     * pump can always pass the daemon's answers on while this thread waits on a full socket.
     */
    private void fromHost(byte[] line) {
        JsonRpcMessage message;
        try {
            message = JsonRpcMessages.classify(codec.parse(line, 0, line.length));
        } catch (MalformedMessageException e) {
            message = null;
        }
        initialize.remember(message);
        boolean owed = ProxyRouting.owedAnswer(message) != null;
        while (true) {
            SessionRoute current = routing.hostSent(message);
            if (current instanceof SessionRoute.DaemonRoute(DaemonLink link, LineWriter writer)) {
                try {
                    writer.writeLine(line);
                    return;
                } catch (IOException e) {
                    daemonLost(link, "write failed: " + e.getMessage());
                    // a request was pending on that link, so daemonLost answered it; other lines go in-process below
                    if (owed) {
                        return;
                    }
                }
            }
            if (serveInProcess(message)) {
                return;
            }
            // the session moved back to a daemon meanwhile: forward the line to it
        }
    }

    /**
     * Serves a host line in-process, under {@link #dispatch}, so the move back to a daemon happens at a quiet moment
     * (B-G5).
     *
     * @param message the line classified, or {@code null} when it was not JSON
     * @return false, having served nothing, when the session is routed to a daemon now
     */
    private boolean serveInProcess(JsonRpcMessage message) {
        dispatch.lock();
        try {
            McpServerSession session = routing.inProcessRoute();
            if (session == null) {
                return false;
            }
            if (message == null) {
                session.onMalformed("not valid JSON");
            } else {
                session.handle(message);
            }
            return true;
        } finally {
            dispatch.unlock();
        }
    }

    /**
     * Passes the daemon's lines to the host. Review finding 14: a response is passed on only while its id is still
     * pending on the link that is current, and a line from a link that is no longer current is dropped, so a request
     * that {@link #daemonLost} already answered is never answered twice. The host write happens outside the lock.
     */
    private void pumpFromDaemon(DaemonLink from) {
        try {
            byte[] line;
            while ((line = from.reader().readLine()) != null) {
                JsonRpcMessage message = null;
                try {
                    message = JsonRpcMessages.classify(codec.parse(line, 0, line.length));
                } catch (MalformedMessageException e) {
                    log.warn("daemon sent a malformed line; passing it on");
                }
                if (routing.takeForHost(from, message)) {
                    try {
                        host.writeLine(line);
                    } catch (IOException e) {
                        log.debug("host stdout closed: {}", e.toString());
                    } finally {
                        routing.forwarded();
                    }
                } else {
                    log.debug("dropped a daemon line that is no longer owed to the host (review finding 14)");
                }
            }
            daemonLost(from, "the daemon closed the connection");
        } catch (IOException | RuntimeException e) {
            daemonLost(from, e.toString());
        }
    }

    /**
     * The link {@code from} failed: when it is still the current one, answers every request pending on it, then
     * serves in-process (B-G3, B-G4) and starts reconnecting (B-G5). The answers are written under {@link #dispatch}
     * (which keeps the in-process session single-threaded). Does nothing when {@code from} is no longer current or
     * the proxy is closing.
     */
    private void daemonLost(DaemonLink from, String why) {
        dispatch.lock();
        try {
            ProxyRouting.Loss loss = routing.lose(from, why).orElse(null);
            if (loss == null) {
                return;
            }
            log.warn("lost the daemon ({}); answering {} pending request(s) and serving in-process", why,
                    loss.pendingCount());
            reconnector.start();
            from.connection().close();
            ToolCatalog catalog = inProcess.catalog();
            for (Map<String, Object> request : loss.owed()) {
                if (ReplayPolicy.safeToReserve(request, catalog)) {
                    loss.session().onMessage(request);
                } else {
                    send(ReplayPolicy.daemonLost(request));
                }
            }
        } finally {
            dispatch.unlock();
        }
    }

    /**
     * The {@link Reconnector}'s move (B-G5): hello, replayed {@code initialize}, then the move at a quiet moment,
     * waiting for the in-process session's calls to end between checks.
     *
     * @return true when done (moved, or the proxy is closing); false when this daemon failed and another try is due
     */
    private boolean rejoin(DaemonLink found) {
        try {
            LineWriter writer = sayHello(found);
            initialize.replay(writer, found.reader(), codec);
            SessionRoute.DaemonRoute daemonRoute = new SessionRoute.DaemonRoute(found, writer);
            while (true) {
                ProxyRouting.Move move;
                dispatch.lock();
                try {
                    // a loss of this new link starts a new reconnect loop
                    move = routing.moveBack(daemonRoute, reconnector::release);
                } finally {
                    dispatch.unlock();
                }
                switch (move) {
                    case CLOSING -> {
                        found.connection().close();
                        return true;
                    }
                    case MOVED -> {
                        Thread.ofVirtual().name("daemon-to-host").start(() -> pumpFromDaemon(found));
                        log.info("moved the session back to daemon pid {} ({})", found.hello().pid(),
                                found.connection().endpoint());
                        return true;
                    }
                    case BUSY -> routing.inProcessSession().awaitNoCallsInFlight(QUIET_CHECK);
                }
            }
        } catch (IOException | MalformedMessageException e) {
            found.connection().close();
            log.debug("rejoining daemon pid {} failed: {}", found.hello().pid(), e.toString());
            return false;
        }
    }

    /** Sends the client hello (B-W3, B-G6) on a new link. @return the link's writer */
    private LineWriter sayHello(DaemonLink link) throws IOException {
        LineWriter writer = new LineWriter(link.connection().output());
        writer.writeLine(codec.write(HelloProtocol.clientHello(settings.hello().get())));
        return writer;
    }

    /** Queues one message for the host; never tears a line, whatever thread calls it (B-W1). */
    private void send(Map<String, Object> message) {
        try {
            host.writeLine(codec.write(message));
        } catch (IOException e) {
            log.debug("host stdout closed: {}", e.toString());
        }
    }
}
