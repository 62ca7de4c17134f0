package dev.mcpd.application.mcp;

import static java.util.Objects.requireNonNull;

import dev.mcpd.domain.model.ClientId;
import dev.mcpd.domain.model.Tool;
import dev.mcpd.domain.model.ToolAnnotations;
import dev.mcpd.domain.model.ToolResult;
import dev.mcpd.domain.port.JsonCodec;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CancellationException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of one MCP session (spec revisions 2024-11-05 to 2025-11-25), over JSON-shaped messages.
 *
 * <p>Invariants (each has a test citing it):
 * <ol>
 *   <li>B-M1 {@code initialize} echoes a supported protocolVersion, else answers with the latest; never an error.
 *   <li>B-M2 {@code ping} is answered {@code {}} at any time, before {@code initialize} too.
 *   <li>B-M3 an unknown method gets {@code -32601} at once, before or after {@code initialize}.
 *   <li>B-M4 a malformed line gets {@code -32700} without an id, and the session goes on.
 *   <li>B-M5 {@code tools/list} pages with {@code cursor}/{@code nextCursor}; an invalid cursor is {@code -32602}.
 *   <li>B-M6 an unknown tool or malformed params is {@code -32602}; a tool's own failure is an {@code isError} result.
 *   <li>B-M7 {@code notifications/cancelled} interrupts the named call and suppresses its response; unknown ids are ignored.
 *   <li>B-M8 each {@code tools/call} runs on its own virtual thread: a slow call never delays another request.
 *   <li>B-M8, B-B3 a client has at most {@code maxCallsInFlight} calls running (cancelled calls count until their
 *       thread ends); one more is refused at once with {@link #TOO_MANY_CALLS}, never queued (review finding 12).
 *   <li>B-E1 {@link #close close(true)} answers every call it cancels with {@code -32002} through {@code outbound}
 *       and waits for nothing else: the shutdown path is only as fast as {@code outbound}, which therefore must not
 *       wait on the peer once shutdown began (the daemon's queues the line or drops the peer, review finding 2).
 * </ol>
 * Cancelling interrupts the call's thread and cancels its {@link dev.mcpd.domain.port.CallContext}; a call's thread
 * never writes to the peer itself in the daemon (its lines go through the connection's writer thread), so the
 * interrupt cannot tear a line (B-W1, review finding 6).
 * Requests other than {@code tools/call} are answered on the calling (reader) thread: they never block.
 */
public final class McpServerSession {

    /** Protocol revisions this server speaks, newest first. */
    public static final List<String> SUPPORTED_VERSIONS = List.of("2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05");

    /**
     * mcpd: the client already has as many calls running as the daemon allows one client (review finding 12). In
     * JSON-RPC's implementation-defined server error range (-32000 to -32099).
     */
    public static final int TOO_MANY_CALLS = -32003;

    private static final Logger log = LoggerFactory.getLogger(McpServerSession.class);

    private final ToolCatalog catalog;
    private final ServerInfo serverInfo;
    private final Consumer<Map<String, Object>> outbound;
    private final CallObserver observer;
    private final ClientId client;
    private final Map<String, String> environment;
    private final Clock clock;
    private final Duration callTimeout;
    private final int pageSize;
    private final JsonCodec codec;
    private final int maxCallsInFlight;
    private final Map<String, InFlight> inFlight = new ConcurrentHashMap<>();
    /** Call threads not yet done, answer sent included: {@link #awaitIdle} waits for these, not for {@link #inFlight}. */
    private final java.util.concurrent.atomic.AtomicInteger running = new java.util.concurrent.atomic.AtomicInteger();
    private volatile boolean closed;

    private record InFlight(Object id, Thread thread, McpCallContext context) {}

    /**
     * @param catalog the tools served
     * @param serverInfo name and version for {@code initialize}
     * @param outbound sends one message to the client; called from many threads, must be thread-safe
     * @param observer told of each request started and finished
     * @param client the client this session serves, or {@code null} in-process
     * @param environment environment forwarded in the client hello (B-G6)
     * @param clock for call deadlines
     * @param callTimeout the longest a tool call may run
     * @param pageSize tools per {@code tools/list} page, at least 1
     * @param codec serialises structured results into their text block (B-M6)
     */
    public McpServerSession(ToolCatalog catalog, ServerInfo serverInfo, Consumer<Map<String, Object>> outbound,
            CallObserver observer, ClientId client, Map<String, String> environment, Clock clock, Duration callTimeout,
            int pageSize, JsonCodec codec) {
        this(catalog, serverInfo, outbound, observer, client, environment, clock, callTimeout, pageSize, codec,
                Integer.MAX_VALUE);
    }

    /**
     * A session whose client may have at most {@code maxCallsInFlight} tool calls running at once (the daemon's
     * sessions; an in-process session serves one host and has no cap).
     *
     * @param maxCallsInFlight at least 1; {@link Integer#MAX_VALUE} for no cap
     * @see #McpServerSession(ToolCatalog, ServerInfo, Consumer, CallObserver, ClientId, Map, Clock, Duration, int, JsonCodec)
     */
    public McpServerSession(ToolCatalog catalog, ServerInfo serverInfo, Consumer<Map<String, Object>> outbound,
            CallObserver observer, ClientId client, Map<String, String> environment, Clock clock, Duration callTimeout,
            int pageSize, JsonCodec codec, int maxCallsInFlight) {
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.serverInfo = requireNonNull(serverInfo, "serverInfo is null");
        this.outbound = requireNonNull(outbound, "outbound is null");
        this.observer = requireNonNull(observer, "observer is null");
        this.client = client;
        this.environment = Map.copyOf(requireNonNull(environment, "environment is null"));
        this.clock = requireNonNull(clock, "clock is null");
        this.callTimeout = requireNonNull(callTimeout, "callTimeout is null");
        if (pageSize < 1) {
            throw new IllegalArgumentException("pageSize must be at least 1");
        }
        this.pageSize = pageSize;
        this.codec = requireNonNull(codec, "codec is null");
        if (maxCallsInFlight < 1) {
            throw new IllegalArgumentException("maxCallsInFlight must be at least 1");
        }
        this.maxCallsInFlight = maxCallsInFlight;
    }

    /** Handles a line that was not valid JSON (B-M4, B-X1). */
    public void onMalformed(String reason) {
        send(JsonRpc.error(null, JsonRpc.PARSE_ERROR, "Parse error: " + reason));
    }

    /** Handles one parsed message: a request, a notification, or a response (ignored: this server sends no requests). */
    public void onMessage(Object message) {
        if (message instanceof List<?>) {
            send(JsonRpc.error(null, JsonRpc.INVALID_REQUEST,
                    "Invalid Request: JSON-RPC batches are not supported (MCP removed them in 2025-06-18); send one message per line"));
            return;
        }
        Map<String, Object> msg = Json.asObject(message);
        if (msg == null) {
            send(JsonRpc.error(null, JsonRpc.INVALID_REQUEST, "Invalid Request: a JSON-RPC message must be a JSON object"));
            return;
        }
        Object id = msg.get("id");
        boolean hasId = msg.containsKey("id");
        Object methodValue = msg.get("method");
        if (methodValue == null) {
            if (hasId && (msg.containsKey("result") || msg.containsKey("error"))) {
                return; // a response to a server request; mcpd sends none, so there is nothing to match
            }
            send(JsonRpc.error(Json.isValidId(id) ? id : null, JsonRpc.INVALID_REQUEST,
                    "Invalid Request: missing \"method\""));
            return;
        }
        if (hasId && !Json.isValidId(id)) {
            send(JsonRpc.error(null, JsonRpc.INVALID_REQUEST,
                    "Invalid Request: \"id\" must be a string or an integer"));
            return;
        }
        String method = Json.asString(methodValue);
        if (method == null || !"2.0".equals(msg.get("jsonrpc"))) {
            if (hasId) {
                send(JsonRpc.error(id, JsonRpc.INVALID_REQUEST,
                        "Invalid Request: \"jsonrpc\" must be \"2.0\" and \"method\" a string"));
            }
            return;
        }
        Object params = msg.get("params");
        if (!hasId) {
            onNotification(method, params);
            return;
        }
        onRequest(id, method, params);
    }

    private void onNotification(String method, Object params) {
        if ("notifications/cancelled".equals(method)) {
            Map<String, Object> p = Json.asObject(params);
            Object requestId = p == null ? null : p.get("requestId");
            if (requestId != null) {
                cancel(requestId);
            }
        }
        // notifications/initialized and any other notification need no answer (JSON-RPC 2.0 §4.1)
    }

    private void onRequest(Object id, String method, Object params) {
        switch (method) {
            case "initialize" -> answer(id, initialize(params));
            case "ping" -> answer(id, Json.object());
            case "tools/list" -> listTools(id, params);
            case "tools/call" -> callTool(id, params);
            default -> send(JsonRpc.error(id, JsonRpc.METHOD_NOT_FOUND, "Method not found: " + method));
        }
    }

    private Map<String, Object> initialize(Object params) {
        Map<String, Object> p = Json.asObject(params);
        String requested = p == null ? null : Json.asString(p.get("protocolVersion"));
        String version = requested != null && SUPPORTED_VERSIONS.contains(requested) ? requested : SUPPORTED_VERSIONS.getFirst();
        return Json.object(
                "protocolVersion", version,
                "capabilities", Json.object("tools", Json.object("listChanged", false)),
                "serverInfo", Json.object("name", serverInfo.name(), "title", "mcpd shared MCP daemon",
                        "version", serverInfo.version()),
                "instructions", serverInfo.instructions());
    }

    private void listTools(Object id, Object params) {
        Map<String, Object> p = Json.asObject(params);
        Object cursorValue = p == null ? null : p.get("cursor");
        int offset = 0;
        if (cursorValue != null) {
            offset = decodeCursor(cursorValue);
            if (offset < 0) {
                send(JsonRpc.error(id, JsonRpc.INVALID_PARAMS, "Invalid params: unknown cursor; start again without one"));
                return;
            }
        }
        List<Tool> tools = catalog.tools();
        int end = Math.min(tools.size(), offset + pageSize);
        List<Object> page = new ArrayList<>(end - offset);
        for (Tool tool : tools.subList(offset, end)) {
            page.add(describe(tool));
        }
        Map<String, Object> result = Json.object("tools", page);
        if (end < tools.size()) {
            result.put("nextCursor", Base64.getUrlEncoder().withoutPadding().encodeToString(("o:" + end).getBytes()));
        }
        answer(id, result);
    }

    private int decodeCursor(Object cursor) {
        if (!(cursor instanceof String s)) {
            return -1;
        }
        try {
            String decoded = new String(Base64.getUrlDecoder().decode(s));
            int offset = decoded.startsWith("o:") ? Integer.parseInt(decoded.substring(2)) : -1;
            return offset >= 0 && offset < catalog.tools().size() ? offset : -1;
        } catch (IllegalArgumentException e) {
            return -1;
        }
    }

    private static Map<String, Object> describe(Tool tool) {
        ToolAnnotations a = tool.annotations();
        return Json.object(
                "name", tool.name(),
                "title", tool.title(),
                "description", tool.description(),
                "inputSchema", tool.inputSchema(),
                "outputSchema", tool.outputSchema(),
                "annotations", Json.object("title", tool.title(), "readOnlyHint", a.readOnlyHint(),
                        "destructiveHint", a.destructiveHint(), "idempotentHint", a.idempotentHint(),
                        "openWorldHint", a.openWorldHint()));
    }

    private void callTool(Object id, Object params) {
        Map<String, Object> p = Json.asObject(params);
        String name = p == null ? null : Json.asString(p.get("name"));
        if (name == null) {
            send(JsonRpc.error(id, JsonRpc.INVALID_PARAMS, "Invalid params: tools/call needs a string \"name\""));
            return;
        }
        Object rawArguments = p.get("arguments");
        Map<String, Object> arguments = rawArguments == null ? Map.of() : Json.asObject(rawArguments);
        if (arguments == null) {
            send(JsonRpc.error(id, JsonRpc.INVALID_PARAMS, "Invalid params: \"arguments\" must be a JSON object"));
            return;
        }
        ToolCatalog.Entry entry = catalog.find(name).orElse(null);
        if (entry == null) {
            send(JsonRpc.error(id, JsonRpc.INVALID_PARAMS,
                    "Unknown tool: " + name + " (tools/list shows the " + catalog.tools().size() + " tools available)"));
            return;
        }
        if (closed) {
            send(JsonRpc.error(id, JsonRpc.SHUTTING_DOWN, "mcpd is shutting down; call again to reach a new daemon"));
            return;
        }
        // Only this (the reader) thread starts calls, so the count cannot grow between this check and the start.
        if (running.get() >= maxCallsInFlight) {
            // debug, not info: a client looping on the error would flood the log; the client is told why
            log.debug("client {}: refused tools/call {} ({}): {} calls already running, the limit per client (review finding 12)",
                    client, id, name, maxCallsInFlight);
            send(JsonRpc.error(id, TOO_MANY_CALLS, "Too many calls in flight: this client already has " + maxCallsInFlight
                    + " tools/call requests running, mcpd's limit per client. Wait for one to finish or cancel one "
                    + "(notifications/cancelled), then call again; the daemon's owner can raise the limit with "
                    + "MCPD_DAEMON_MAX_CALLS_PER_CLIENT"));
            return;
        }
        Map<String, Object> meta = Json.asObject(p.get("_meta"));
        Object progressToken = meta == null ? null : meta.get("progressToken");
        McpCallContext context = new McpCallContext(client, environment, clock.instant().plus(callTimeout),
                progressToken, this::send);
        String key = idKey(id);
        observer.callStarted();
        Thread thread = Thread.ofVirtual().name("tool-" + name).unstarted(() -> runCall(id, key, entry, arguments, context));
        if (inFlight.putIfAbsent(key, new InFlight(id, thread, context)) != null) {
            observer.callFinished();
            send(JsonRpc.error(id, JsonRpc.INVALID_REQUEST, "Invalid Request: id " + id + " is already in flight"));
            return;
        }
        running.incrementAndGet();
        thread.start();
    }

    private void runCall(Object id, String key, ToolCatalog.Entry entry, Map<String, Object> arguments, McpCallContext context) {
        try {
            runCallAndAnswer(id, key, entry, arguments, context);
        } finally {
            running.decrementAndGet();
        }
    }

    private void runCallAndAnswer(Object id, String key, ToolCatalog.Entry entry, Map<String, Object> arguments, McpCallContext context) {
        Map<String, Object> response;
        try {
            ToolResult result = entry.engine().call(entry.tool().name(), arguments, context);
            response = JsonRpc.result(id, render(result));
        } catch (InterruptedException | CancellationException e) {
            response = null;
        } catch (RuntimeException e) {
            log.warn("tool {} of engine {} failed", entry.tool().name(), entry.engine().name(), e);
            response = JsonRpc.result(id, render(ToolResult.error("mcpd: tool " + entry.tool().name()
                    + " failed unexpectedly (" + e.getClass().getSimpleName() + ": " + e.getMessage()
                    + "); the daemon log has the details")));
        }
        // Remove only this call's own entry: a cancelled call finishing late must not remove a newer call that
        // reuses its id (that call's answer would be lost and the idle timer could fire mid-call, B-L4).
        InFlight mine = inFlight.get(key);
        boolean removed = mine != null && mine.context() == context && inFlight.remove(key, mine);
        try {
            if (removed && !context.isCancelled() && response != null) {
                send(response);
            }
        } finally {
            if (removed) {
                observer.callFinished();
            }
        }
    }

    /**
     * The {@code tools/call} result: the tool's text blocks and, for a structured result, its
     * {@code structuredContent} also serialised as a JSON text block, for clients that read text only
     * (B-M6; spec 2025-06-18, "Structured Content").
     */
    private Map<String, Object> render(ToolResult result) {
        List<Object> content = new ArrayList<>(result.texts().size() + 1);
        for (String text : result.texts()) {
            content.add(Json.object("type", "text", "text", text));
        }
        if (result.structuredContent() != null) {
            content.add(Json.object("type", "text", "text",
                    new String(codec.write(result.structuredContent()), java.nio.charset.StandardCharsets.UTF_8)));
        }
        return Json.object("content", content, "structuredContent", result.structuredContent(), "isError", result.isError());
    }

    /** Cancels the call with this request id (B-M7); no response will be sent for it. Unknown ids are ignored. */
    public void cancel(Object requestId) {
        InFlight call = inFlight.remove(idKey(requestId));
        if (call != null) {
            call.context().cancel();
            call.thread().interrupt();
            observer.callFinished();
        }
    }

    /**
     * Waits until no tool call is running and every answer has been sent, at most {@code timeout}. (A call leaves
     * {@link #inFlight} just before its answer is written; waiting on that alone let a proxy exit on stdin EOF with
     * the answer not yet written.)
     *
     * @return true if idle
     */
    public boolean awaitIdle(Duration timeout) {
        long until = System.nanoTime() + timeout.toNanos();
        while (running.get() > 0 && System.nanoTime() < until) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return running.get() == 0;
    }

    /** The number of tool calls running. */
    public int inFlightCalls() {
        return inFlight.size();
    }

    /**
     * Ends the session: every call still running is cancelled. When {@code answer} is true each gets an error
     * response first (shutdown, B-E1); when false (the client is gone) none is sent.
     */
    public void close(boolean answer) {
        closed = true;
        for (Map.Entry<String, InFlight> e : List.copyOf(inFlight.entrySet())) {
            InFlight call = inFlight.remove(e.getKey());
            if (call == null) {
                continue;
            }
            call.context().cancel();
            call.thread().interrupt();
            if (answer) {
                send(JsonRpc.error(call.id(), JsonRpc.SHUTTING_DOWN,
                        "mcpd is shutting down and cancelled this call; it may have partly run"));
            }
            observer.callFinished();
        }
    }

    private void answer(Object id, Map<String, Object> result) {
        send(JsonRpc.result(id, result));
    }

    private void send(Map<String, Object> message) {
        try {
            outbound.accept(message);
        } catch (RuntimeException e) {
            log.debug("could not send to client {}: {}", client, e.toString());
        }
    }

    /** Request ids compare by JSON value: the string "1" and the number 1 are different ids; 1 as int or long are one. */
    private static String idKey(Object id) {
        return (id instanceof Number ? "n:" : "s:") + id;
    }
}
