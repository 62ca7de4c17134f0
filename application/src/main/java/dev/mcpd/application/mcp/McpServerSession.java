package dev.mcpd.application.mcp;

import static java.util.Objects.requireNonNull;

import dev.mcpd.application.jsonrpc.InFlightCalls;
import dev.mcpd.application.jsonrpc.JsonRpc;
import dev.mcpd.application.jsonrpc.JsonRpcMessage;
import dev.mcpd.application.jsonrpc.JsonRpcMessages;
import dev.mcpd.application.jsonrpc.RequestId;
import dev.mcpd.domain.model.ClientId;
import dev.mcpd.domain.model.ToolResult;
import dev.mcpd.domain.port.CallContext;
import dev.mcpd.domain.port.JsonCodec;
import dev.mcpd.domain.time.Ticker;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
 *   <li>B-M4 a malformed line gets {@code -32700} without an id (see {@link JsonRpc#error}), and the session goes on.
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
 * Cancelling interrupts the call's thread and cancels its {@link CallContext}; a call's thread
 * never writes to the peer itself in the daemon (its lines go through the connection's writer thread), so the
 * interrupt cannot tear a line (B-W1, review finding 6).
 * Requests other than {@code tools/call} are answered on the calling (reader) thread: they never block.
 *
 * <p>Parts: {@link JsonRpcMessages#classify} reads the envelope, {@link ToolListPager} pages {@code tools/list},
 * {@link InFlightCalls} tracks the calls running, {@link ToolResultRenderer} renders their results.
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
    private final SessionSettings settings;
    private final Consumer<Map<String, Object>> outbound;
    private final CallObserver observer;
    private final ClientId client;
    private final Map<String, String> environment;
    private final Clock clock;
    private final ToolListPager pager;
    private final ToolResultRenderer renderer;
    private final InFlightCalls<Call> calls;
    private volatile boolean closed;

    /** One tool call in flight: the thread running it and its context. */
    private record Call(RequestId id, Thread thread, McpCallContext context) {}

    /**
     * @param catalog the tools served
     * @param settings server info, call timeout, page size and the cap on calls in flight
     * @param outbound sends one message to the client; called from many threads, must be thread-safe
     * @param observer told of each request started and finished
     * @param client the client this session serves, or {@code null} in-process
     * @param environment environment forwarded in the client hello (B-G6)
     * @param clock for call deadlines
     * @param ticker measures {@link #awaitIdle}'s timeout ({@link Ticker#system()} in production)
     * @param codec serialises structured results into their text block (B-M6)
     */
    public McpServerSession(ToolCatalog catalog, SessionSettings settings, Consumer<Map<String, Object>> outbound,
            CallObserver observer, ClientId client, Map<String, String> environment, Clock clock, Ticker ticker,
            JsonCodec codec) {
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.settings = requireNonNull(settings, "settings is null");
        this.outbound = requireNonNull(outbound, "outbound is null");
        this.observer = requireNonNull(observer, "observer is null");
        this.client = client;
        this.environment = Map.copyOf(requireNonNull(environment, "environment is null"));
        this.clock = requireNonNull(clock, "clock is null");
        this.pager = new ToolListPager(catalog, settings.pageSize());
        this.renderer = new ToolResultRenderer(requireNonNull(codec, "codec is null"));
        this.calls = new InFlightCalls<>(requireNonNull(ticker, "ticker is null"));
    }

    /** Handles a line that was not valid JSON (B-M4, B-X1). */
    public void onMalformed(String reason) {
        send(JsonRpc.error(null, JsonRpc.PARSE_ERROR, "Parse error: " + reason));
    }

    /** Handles one parsed message: a request, a notification, or a response (ignored: this server sends no requests). */
    public void onMessage(Object message) {
        handle(JsonRpcMessages.classify(message));
    }

    /** Handles one classified message, as {@link #onMessage} does; for a caller that has classified it already. */
    public void handle(JsonRpcMessage message) {
        switch (message) {
            case JsonRpcMessage.Request(RequestId id, String method, Object params, var raw) ->
                    onRequest(id.json(), method, params);
            case JsonRpcMessage.Notification(String method, Object params, var raw) -> onNotification(method, params);
            case JsonRpcMessage.Response response -> {
                // a response to a server request; mcpd sends none, so there is nothing to match
            }
            case JsonRpcMessage.Invalid invalid -> {
                if (invalid.answer()) {
                    send(JsonRpc.error(invalid.requestId().map(RequestId::json).orElse(null), JsonRpc.INVALID_REQUEST,
                            invalid.reason()));
                }
            }
        }
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
        ServerInfo serverInfo = settings.serverInfo();
        return Json.object(
                "protocolVersion", version,
                "capabilities", Json.object("tools", Json.object("listChanged", false)),
                "serverInfo", Json.object("name", serverInfo.name(), "title", "mcpd shared MCP daemon",
                        "version", serverInfo.version()),
                "instructions", serverInfo.instructions());
    }

    private void listTools(Object id, Object params) {
        Map<String, Object> p = Json.asObject(params);
        pager.page(p == null ? null : p.get("cursor")).ifPresentOrElse(page -> answer(id, page),
                () -> send(JsonRpc.error(id, JsonRpc.INVALID_PARAMS, "Invalid params: unknown cursor; start again without one")));
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
        int maxCallsInFlight = settings.maxCallsInFlight();
        // Only this (the reader) thread starts calls, so the count cannot grow between this check and the start.
        if (calls.threads() >= maxCallsInFlight) {
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
        McpCallContext context = new McpCallContext(client, environment, clock.instant().plus(settings.callTimeout()),
                progressToken, this::send);
        RequestId key = RequestId.of(id).orElseThrow();
        observer.callStarted();
        Thread thread = Thread.ofVirtual().name("tool-" + name).unstarted(() -> runCall(key, entry, arguments, context));
        Call call = new Call(key, thread, context);
        if (!calls.register(key, call)) {
            observer.callFinished();
            send(JsonRpc.error(id, JsonRpc.INVALID_REQUEST, "Invalid Request: id " + id + " is already in flight"));
            return;
        }
        thread.start();
    }

    private void runCall(RequestId key, ToolCatalog.Entry entry, Map<String, Object> arguments, McpCallContext context) {
        try {
            runCallAndAnswer(new Call(key, Thread.currentThread(), context), entry, arguments);
        } finally {
            calls.threadEnded();
        }
    }

    private void runCallAndAnswer(Call call, ToolCatalog.Entry entry, Map<String, Object> arguments) {
        Object id = call.id().json();
        McpCallContext context = call.context();
        Map<String, Object> response;
        try {
            ToolResult result = entry.engine().call(entry.tool().name(), arguments, context);
            response = JsonRpc.result(id, renderer.render(result));
        } catch (InterruptedException | CancellationException e) {
            response = null;
        } catch (RuntimeException e) {
            log.warn("tool {} of engine {} failed", entry.tool().name(), entry.engine().name(), e);
            response = JsonRpc.result(id, renderer.failure(entry.tool().name(), e));
        }
        // Remove only this call's own entry: a cancelled call finishing late must not remove a newer call that
        // reuses its id (that call's answer would be lost and the idle timer could fire mid-call, B-L4).
        boolean removed = calls.complete(call.id(), call);
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

    /** Cancels the call with this request id (B-M7); no response will be sent for it. Unknown ids are ignored. */
    public void cancel(Object requestId) {
        RequestId.of(requestId).flatMap(calls::cancel).ifPresent(call -> {
            call.context().cancel();
            call.thread().interrupt();
            observer.callFinished();
        });
    }

    /**
     * Waits until no tool call is running and every answer has been sent, at most {@code timeout}; woken by the last
     * call's thread as it ends, not by polling. (A call is no longer in flight just before its answer is written;
     * waiting on that alone let a proxy exit on stdin EOF with the answer not yet written.)
     *
     * @return true if idle; false on timeout or interrupt
     */
    public boolean awaitIdle(Duration timeout) {
        return calls.awaitIdle(timeout);
    }

    /**
     * Waits until no tool call is in flight (answered, cancelled or closed; a cancelled call's thread may still be
     * ending), at most {@code timeout}. The proxy moves a session back to a daemon only then (B-G5).
     *
     * @return true if none is in flight; false on timeout or interrupt
     */
    public boolean awaitNoCallsInFlight(Duration timeout) {
        return calls.awaitNoCalls(timeout);
    }

    /** The number of tool calls running. */
    public int inFlightCalls() {
        return calls.calls();
    }

    /**
     * Ends the session: every call still running is cancelled. When {@code answer} is true each gets an error
     * response first (shutdown, B-E1); when false (the client is gone) none is sent.
     */
    public void close(boolean answer) {
        closed = true;
        for (Call call : calls.cancelAll()) {
            call.context().cancel();
            call.thread().interrupt();
            if (answer) {
                send(JsonRpc.error(call.id().json(), JsonRpc.SHUTTING_DOWN,
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
}
