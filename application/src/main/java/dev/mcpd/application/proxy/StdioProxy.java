package dev.mcpd.application.proxy;

import static java.util.Objects.requireNonNull;

import dev.mcpd.application.daemon.HelloProtocol;
import dev.mcpd.application.mcp.Json;
import dev.mcpd.application.mcp.JsonRpc;
import dev.mcpd.application.mcp.McpServerSession;
import dev.mcpd.application.mcp.ToolCatalog;
import dev.mcpd.application.wire.LineReader;
import dev.mcpd.application.wire.LineWriter;
import dev.mcpd.domain.error.LineTooLongException;
import dev.mcpd.domain.error.MalformedMessageException;
import dev.mcpd.domain.model.ClientHello;
import dev.mcpd.domain.model.DaemonHello;
import dev.mcpd.domain.port.JsonCodec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
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
 *       backoff from {@code reconnectDelay} up to {@link #MAX_RECONNECT_DELAY}; on a daemon of this build it sends
 *       the client hello, replays the host's cached {@code initialize} under a private id (its answer is not
 *       passed on) and {@code notifications/initialized}, then moves the session back at a quiet moment: when no
 *       call is running in-process (checked under the lock that dispatches host lines, so no call can start in
 *       between). Every request is answered exactly once: by the in-process session before the move, by the
 *       daemon after it.
 *   <li>B-W5 a daemon of another build is never used for the session: the proxy says so once on stderr, serves
 *       in-process, and asks that daemon to stop ({@code daemon_stop}) only when it serves no other session.
 *   <li>B-G7 stdout carries only MCP messages; diagnostics go to the log.
 *   <li>No cycle of waits (review finding 7): the bookkeeping lock is never held across a write to the daemon or to
 *       stdout, so the daemon's answers always drain while a host pipelines requests. Each side's
 *       {@link LineWriter} has a lock of its own, so lines never interleave (B-W1).
 *   <li>One answer per request (review finding 14, B-G3): a daemon's response is passed on only while its id is still
 *       pending on the current link; lines from a link that is no longer current are dropped.
 * </ol>
 */
public final class StdioProxy {

    private static final Logger log = LoggerFactory.getLogger(StdioProxy.class);
    /** How long a proxy whose host closed stdin still waits for answers to requests already sent. */
    private static final java.time.Duration DRAIN_ON_EOF = java.time.Duration.ofSeconds(5);
    /** How long the old daemon of another build may take to answer the drain request (B-W5). */
    private static final java.time.Duration DRAIN_REQUEST_TIMEOUT = java.time.Duration.ofSeconds(5);
    /** The longest wait between two reconnect attempts (B-G5). */
    static final java.time.Duration MAX_RECONNECT_DELAY = java.time.Duration.ofSeconds(10);
    /** The id under which the cached {@code initialize} is replayed to a new daemon; its answer is dropped. */
    private static final String REPLAY_ID = "mcpd-proxy-rejoin";

    private final Supplier<DaemonFinder.Result> daemon;
    private final InProcessServer inProcess;
    private final JsonCodec codec;
    private final Supplier<ClientHello> hello;
    private final Map<String, String> environment;
    private final int maxLineBytes;
    private final PrintStream diagnostics;
    private final HostWatchdog watchdog;
    private final java.util.function.IntConsumer exit;
    private volatile boolean hostSpoke;
    private final java.time.Duration reconnectDelay;
    private volatile Map<String, Object> cachedInitialize;
    private Thread reconnecting;
    private final Map<String, Map<String, Object>> pending = new LinkedHashMap<>();
    /** Guards the bookkeeping only ({@link #pending}, {@link #link}, {@link #local}, ...); never held across I/O. */
    private final ReentrantLock lock = new ReentrantLock();
    /** Serialises in-process dispatch with the moves between daemon and in-process; taken before {@link #lock}. */
    private final ReentrantLock dispatch = new ReentrantLock();
    private final java.util.concurrent.locks.Condition answered = lock.newCondition();
    private boolean closing;
    /** Daemon lines taken off {@link #pending} and being written to the host; an EOF waits for them too. */
    private int forwarding;
    private LineWriter host;
    private LineWriter toDaemon;
    private DaemonLink link;
    private McpServerSession local;

    /**
     * @param daemon finds or starts the daemon; called once, unless {@code MCPD_NO_DAEMON} made it return NotReachable
     * @param inProcess serves the session when the daemon cannot
     * @param codec JSON codec
     * @param hello makes the client hello sent to each daemon (B-W3, B-G6); called on every connect and rejoin, so
     *     that a token read from a file is current (B-G5, review finding 9)
     * @param environment environment for in-process engines
     * @param maxLineBytes the longest line accepted
     * @param diagnostics where the few messages a person must see go (stderr; B-W5); nothing in normal operation
     * @param watchdog watches the host (B-G1, B-G2); started after connecting
     * @param exit ends the process with the given code when the watchdog finds the host gone ({@code System::exit})
     * @param reconnectDelay the first wait before reconnecting after a daemon loss (B-G5); zero = never reconnect
     */
    public StdioProxy(Supplier<DaemonFinder.Result> daemon, InProcessServer inProcess, JsonCodec codec, Supplier<ClientHello> hello,
            Map<String, String> environment, int maxLineBytes, PrintStream diagnostics, HostWatchdog watchdog,
            java.util.function.IntConsumer exit, java.time.Duration reconnectDelay) {
        this.daemon = requireNonNull(daemon, "daemon is null");
        this.inProcess = requireNonNull(inProcess, "inProcess is null");
        this.codec = requireNonNull(codec, "codec is null");
        this.hello = requireNonNull(hello, "hello is null");
        this.environment = Map.copyOf(requireNonNull(environment, "environment is null"));
        this.maxLineBytes = maxLineBytes;
        this.diagnostics = requireNonNull(diagnostics, "diagnostics is null");
        this.watchdog = requireNonNull(watchdog, "watchdog is null");
        this.exit = requireNonNull(exit, "exit is null");
        this.reconnectDelay = requireNonNull(reconnectDelay, "reconnectDelay is null");
    }

    /**
     * Serves the host until its stdin ends.
     *
     * @return the exit code, 0 when the host closed stdin
     */
    public int run(InputStream hostIn, OutputStream hostOut) {
        host = new LineWriter(hostOut);
        connect();
        Thread watching = watchdog.start(() -> hostSpoke, this::hostGone);
        LineReader reader = new LineReader(new java.io.FilterInputStream(hostIn) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                if (n > 0) {
                    hostSpoke = true;
                }
                return n;
            }
        }, maxLineBytes);
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
            lock.lock();
            try {
                awaitPendingAnswers();
            } finally {
                lock.unlock();
            }
            // daemonLost answers what a lost daemon owed under `dispatch`: wait for it to finish
            dispatch.lock();
            dispatch.unlock();
            McpServerSession session = currentLocal();
            if (session != null) {
                session.awaitIdle(DRAIN_ON_EOF);
            }
            closeAll();
        }
        log.info("host closed stdin; proxy exits");
        return 0;
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

    /** Marks the proxy closing, then closes the daemon link, the in-process session and its engines, outside the lock. */
    private void closeAll() {
        DaemonLink last;
        McpServerSession session;
        lock.lock();
        try {
            closing = true;
            last = link;
            session = local;
        } finally {
            lock.unlock();
        }
        if (last != null) {
            last.connection().close();
        }
        if (session != null) {
            session.close(false);
        }
        inProcess.close();
    }

    private McpServerSession currentLocal() {
        lock.lock();
        try {
            return local;
        } finally {
            lock.unlock();
        }
    }

    private void connect() {
        switch (daemon.get()) {
            case DaemonFinder.Result.Found(DaemonLink found) -> {
                try {
                    LineWriter writer = new LineWriter(found.connection().output());
                    writer.writeLine(codec.write(HelloProtocol.clientHello(hello.get())));
                    lock.lock();
                    try {
                        link = found;
                        toDaemon = writer;
                    } finally {
                        lock.unlock();
                    }
                    Thread.ofVirtual().name("daemon-to-host").start(() -> pumpFromDaemon(found));
                    log.info("connected to daemon pid {} ({})", found.hello().pid(), found.connection().endpoint());
                } catch (IOException e) {
                    found.connection().close();
                    fallBack("the daemon closed the connection during the hello: " + e.getMessage());
                }
            }
            case DaemonFinder.Result.VersionMismatch mismatch -> {
                DaemonHello other = mismatch.hello();
                diagnostics.println("mcpd: the running daemon (pid " + other.pid() + ") is version " + other.version()
                        + ", not this proxy's; serving this session in-process (the old daemon is asked to stop once it"
                        + " serves no other session; or stop it with: mcpd daemon stop)");
                fallBack("daemon version " + other.version() + " differs (B-W5)");
                Thread.ofVirtual().name("drain-old-daemon").start(() -> askToDrain(mismatch));
            }
            case DaemonFinder.Result.NotReachable(String reason) -> fallBack(reason);
        }
    }

    /**
     * B-W5: asks a daemon of another build to stop when this proxy is its only client, so that the next proxy of this
     * build starts a fresh one; a daemon still serving other sessions is left alone. Never uses it for the session.
     */
    private void askToDrain(DaemonFinder.Result.VersionMismatch mismatch) {
        DaemonLink old = mismatch.link();
        Thread timer = Thread.ofVirtual().name("drain-old-daemon-timer").start(() -> {
            try {
                Thread.sleep(DRAIN_REQUEST_TIMEOUT);
                old.connection().close();
            } catch (InterruptedException e) {
                // answered in time
            }
        });
        try (dev.mcpd.application.client.DaemonToolClient client =
                new dev.mcpd.application.client.DaemonToolClient(old, codec, hello.get())) {
            Map<String, Object> status = Json.asObject(client.callTool("daemon_status", Map.of()).get("structuredContent"));
            List<Object> clients = status == null ? null : Json.asArray(status.get("clients"));
            if (clients == null) {
                log.info("the old daemon pid {} gave no client list; leaving it", old.hello().pid());
                return;
            }
            long proxyPid = hello.get().pid();
            long others = clients.stream().map(Json::asObject)
                    .filter(c -> c == null || !(c.get("proxyPid") instanceof Number n) || n.longValue() != proxyPid)
                    .count();
            if (others == 0) {
                client.callTool("daemon_stop", Json.object("reason", "replaced by mcpd version " + mismatch.ours()));
                log.info("asked the old daemon pid {} (version {}) to stop: it served no other session",
                        old.hello().pid(), old.hello().version());
            } else {
                log.info("the old daemon pid {} (version {}) still serves {} other session(s); leaving it",
                        old.hello().pid(), old.hello().version(), others);
            }
        } catch (IOException | RuntimeException e) {
            log.info("could not ask the old daemon pid {} to drain: {}", old.hello().pid(), e.toString());
        } finally {
            timer.interrupt();
        }
    }

    /**
     * One line from the host. Review finding 7: {@link #lock} covers only the bookkeeping of {@link #pending} and
     * {@link #link}; the write to the daemon happens after it is released (the daemon's {@link LineWriter} has its own
     * lock), so the pump can always pass the daemon's answers on while this thread waits on a full socket.
     */
    private void fromHost(byte[] line) throws IOException {
        Object message;
        try {
            message = codec.parse(line, 0, line.length);
        } catch (MalformedMessageException e) {
            message = null;
        }
        Map<String, Object> asObject = Json.asObject(message);
        if (asObject != null && "initialize".equals(asObject.get("method")) && cachedInitialize == null) {
            cachedInitialize = asObject;
        }
        String key = asObject == null ? null : requestKey(asObject);
        while (true) {
            DaemonLink current;
            LineWriter writer;
            lock.lock();
            try {
                current = link;
                writer = toDaemon;
                if (current != null) {
                    if (key != null) {
                        pending.put(key, asObject);
                    } else if (asObject != null && "notifications/cancelled".equals(asObject.get("method"))) {
                        // B-M7: the daemon sends no response for a cancelled request, so it is no longer pending
                        Map<String, Object> params = Json.asObject(asObject.get("params"));
                        if (params != null && Json.isValidId(params.get("requestId"))) {
                            pending.remove(key(params.get("requestId")));
                            answered.signalAll();
                        }
                    }
                }
            } finally {
                lock.unlock();
            }
            if (current != null) {
                try {
                    writer.writeLine(line);
                    return;
                } catch (IOException e) {
                    daemonLost(current, "write failed: " + e.getMessage());
                    // a request was pending on that link, so daemonLost answered it; other lines go in-process below
                    if (key != null) {
                        return;
                    }
                }
            }
            // In-process dispatch runs under `dispatch`, so the move back to a daemon happens at a quiet moment (B-G5).
            dispatch.lock();
            try {
                McpServerSession session;
                lock.lock();
                try {
                    if (link != null) {
                        continue; // the session moved back to a daemon meanwhile: forward the line to it
                    }
                    session = local;
                } finally {
                    lock.unlock();
                }
                if (message == null) {
                    session.onMalformed("not valid JSON");
                } else {
                    session.onMessage(message);
                }
                return;
            } finally {
                dispatch.unlock();
            }
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
                Map<String, Object> message = null;
                try {
                    message = Json.asObject(codec.parse(line, 0, line.length));
                } catch (MalformedMessageException e) {
                    log.warn("daemon sent a malformed line; passing it on");
                }
                boolean forward;
                lock.lock();
                try {
                    forward = link == from;
                    if (forward && message != null && !message.containsKey("method") && Json.isValidId(message.get("id"))) {
                        forward = pending.remove(key(message.get("id"))) != null;
                    }
                    if (forward) {
                        forwarding++;
                    }
                } finally {
                    lock.unlock();
                }
                if (forward) {
                    try {
                        host.writeLine(line);
                    } finally {
                        lock.lock();
                        try {
                            forwarding--;
                            answered.signalAll();
                        } finally {
                            lock.unlock();
                        }
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
     * serves in-process (B-G3, B-G4). The bookkeeping happens under {@link #lock}; the answers are written outside
     * it, under {@link #dispatch} (which keeps the in-process session single-threaded). Does nothing when {@code from}
     * is no longer current or the proxy is closing.
     */
    private void daemonLost(DaemonLink from, String why) {
        dispatch.lock();
        try {
            List<Map<String, Object>> owed;
            McpServerSession session;
            lock.lock();
            try {
                if (link != from || closing) {
                    return;
                }
                log.warn("lost the daemon ({}); answering {} pending request(s) and serving in-process", why, pending.size());
                link = null;
                toDaemon = null;
                fallBack(why);
                session = local;
                owed = List.copyOf(pending.values());
                pending.clear();
                answered.signalAll();
                if (!reconnectDelay.isZero() && reconnecting == null) {
                    reconnecting = Thread.ofVirtual().name("daemon-reconnect").start(this::reconnect);
                }
            } finally {
                lock.unlock();
            }
            from.connection().close();
            ToolCatalog catalog = inProcess.catalog();
            for (Map<String, Object> request : owed) {
                if (safeToReserve(request, catalog)) {
                    session.onMessage(request);
                } else {
                    Object params = request.get("params");
                    Map<String, Object> p = Json.asObject(params);
                    String tool = p == null ? null : Json.asString(p.get("name"));
                    send(JsonRpc.error(request.get("id"), JsonRpc.DAEMON_LOST, "the mcpd daemon went away while "
                            + (tool == null ? "this request" : "tool " + tool) + " was in flight; it may have run. "
                            + "Check its effect before calling it again; this session now runs in-process."));
                }
            }
        } finally {
            dispatch.unlock();
        }
    }

    /** The reconnect thread (B-G5): finds a daemon with backoff, rejoins it, moves the session back. */
    private void reconnect() {
        long delayMillis = reconnectDelay.toMillis();
        try {
            while (true) {
                Thread.sleep(delayMillis);
                if (isClosing()) {
                    return;
                }
                try {
                    switch (daemon.get()) {
                        case DaemonFinder.Result.Found(DaemonLink found) -> {
                            if (rejoin(found)) {
                                return;
                            }
                        }
                        case DaemonFinder.Result.VersionMismatch mismatch -> {
                            mismatch.link().connection().close();
                            log.info("not reconnecting: the daemon is now version {} (B-W5)", mismatch.hello().version());
                            return;
                        }
                        case DaemonFinder.Result.NotReachable(String reason) -> log.debug("reconnect: {}", reason);
                    }
                } catch (IOException | RuntimeException e) {
                    log.debug("reconnect attempt failed: {}", e.toString());
                }
                delayMillis = Math.min(delayMillis * 2, MAX_RECONNECT_DELAY.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.lock();
            try {
                if (reconnecting == Thread.currentThread()) {
                    reconnecting = null;
                }
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * Hello, replayed {@code initialize}, then the move at a quiet moment.
     *
     * @return true when done (moved, or the proxy is closing); false when this daemon failed and another try is due
     */
    private boolean rejoin(DaemonLink found) throws IOException, InterruptedException {
        try {
            LineWriter writer = new LineWriter(found.connection().output());
            writer.writeLine(codec.write(HelloProtocol.clientHello(hello.get())));
            Map<String, Object> initialize = cachedInitialize;
            if (initialize != null) {
                Map<String, Object> replay = new LinkedHashMap<>(initialize);
                replay.put("id", REPLAY_ID);
                writer.writeLine(codec.write(replay));
                while (true) {
                    byte[] line = found.reader().readLine();
                    if (line == null) {
                        throw new IOException("the daemon closed the connection during the replayed initialize");
                    }
                    Map<String, Object> answer = Json.asObject(codec.parse(line, 0, line.length));
                    if (answer != null && REPLAY_ID.equals(answer.get("id")) && !answer.containsKey("method")) {
                        break;
                    }
                }
                writer.writeLine(codec.write(Json.object("jsonrpc", "2.0", "method", "notifications/initialized")));
            }
            while (true) {
                dispatch.lock();
                lock.lock();
                try {
                    if (closing) {
                        found.connection().close();
                        return true;
                    }
                    if (local == null || local.inFlightCalls() == 0) {
                        reconnecting = null; // a loss of this new link starts a new reconnect thread
                        link = found;
                        toDaemon = writer;
                        Thread.ofVirtual().name("daemon-to-host").start(() -> pumpFromDaemon(found));
                        log.info("moved the session back to daemon pid {} ({})", found.hello().pid(),
                                found.connection().endpoint());
                        return true;
                    }
                } finally {
                    lock.unlock();
                    dispatch.unlock();
                }
                Thread.sleep(20);
            }
        } catch (IOException | MalformedMessageException e) {
            found.connection().close();
            log.debug("rejoining daemon pid {} failed: {}", found.hello().pid(), e.toString());
            return false;
        }
    }

    private boolean isClosing() {
        lock.lock();
        try {
            return closing;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Called with the lock held when the host closed stdin: requests already sent still get their answers, written
     * to stdout (a host that pipes a script and closes stdin expects them), bounded by {@link #DRAIN_ON_EOF}.
     */
    private void awaitPendingAnswers() {
        long left = DRAIN_ON_EOF.toNanos();
        while (((!pending.isEmpty() && link != null) || forwarding > 0) && left > 0) {
            try {
                left = answered.awaitNanos(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static boolean safeToReserve(Map<String, Object> request, ToolCatalog catalog) {
        String method = Json.asString(request.get("method"));
        if (method == null) {
            return false;
        }
        return switch (method) {
            case "ping", "initialize", "tools/list" -> true;
            case "tools/call" -> {
                Map<String, Object> p = Json.asObject(request.get("params"));
                String name = p == null ? null : Json.asString(p.get("name"));
                yield name != null && catalog.find(name).map(e -> e.tool().annotations().safeToRetry()).orElse(false);
            }
            default -> false;
        };
    }

    private void fallBack(String why) {
        if (local == null) {
            log.info("serving in-process: {}", why);
            local = inProcess.open(this::send, environment);
        }
    }

    private void send(Map<String, Object> message) {
        try {
            host.writeLine(codec.write(message));
        } catch (IOException e) {
            log.debug("host stdout closed: {}", e.toString());
        }
    }

    private static String requestKey(Map<String, Object> message) {
        return message.containsKey("method") && Json.isValidId(message.get("id")) ? key(message.get("id")) : null;
    }

    private static String key(Object id) {
        return (id instanceof Number ? "n:" : "s:") + id;
    }
}
