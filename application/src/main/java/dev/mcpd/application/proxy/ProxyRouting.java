package dev.mcpd.application.proxy;

import static java.util.Objects.requireNonNull;

import dev.mcpd.application.concurrent.Guard;
import dev.mcpd.application.jsonrpc.JsonRpcMessage;
import dev.mcpd.application.jsonrpc.PendingRequests;
import dev.mcpd.application.jsonrpc.RequestId;
import dev.mcpd.application.mcp.Json;
import dev.mcpd.application.mcp.McpServerSession;
import dev.mcpd.application.wire.LineWriter;
import dev.mcpd.domain.time.Ticker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.Condition;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link StdioProxy}'s bookkeeping, under one lock that is never held across I/O (review finding 7): the current
 * {@link SessionRoute}, the in-process session once opened, the requests pending on the daemon route, the daemon
 * lines being passed to the host, and whether the proxy is closing. Each method is one atomic step of the proxy's
 * protocol, so that "the link is still current" and "the request is still pending" are decided together (review
 * finding 14, B-G3).
 */
final class ProxyRouting {

    /** What a lost link still owed: the session now serving in-process, and the requests to answer (B-G3). */
    record Loss(McpServerSession session, List<Map<String, Object>> owed, int pendingCount) {}

    /** How a move back to a daemon went (B-G5). */
    enum Move {
        /** The daemon route is current. */
        MOVED,
        /** A call runs in-process; try again once {@link #inProcessSession()} has none in flight. */
        BUSY,
        /** The proxy is closing; nothing moved. */
        CLOSING
    }

    private static final Logger log = LoggerFactory.getLogger(ProxyRouting.class);

    private final Supplier<McpServerSession> openInProcess;
    private final Ticker ticker;
    private final Guard guard = new Guard();
    private final Condition answered = guard.newCondition();
    private final PendingRequests pending = new PendingRequests();
    private SessionRoute route;
    private McpServerSession local;
    private boolean closing;
    /** Daemon lines taken off {@link #pending} and being queued for the host; an EOF waits for them too. */
    private int forwarding;

    /**
     * @param openInProcess opens the in-process session; called at most once, under the lock (B-G4)
     * @param ticker measures {@link #awaitAnswers}
     */
    ProxyRouting(Supplier<McpServerSession> openInProcess, Ticker ticker) {
        this.openInProcess = requireNonNull(openInProcess, "openInProcess is null");
        this.ticker = requireNonNull(ticker, "ticker is null");
    }

    /**
     * The host sent a line: on the daemon route, records the answer it is owed ({@link #owedAnswer}), or forgets the
     * request it cancelled (B-M7: the daemon sends no response for it).
     *
     * @param message the line classified, or {@code null} when it was not JSON
     * @return the route the line goes to
     */
    SessionRoute hostSent(JsonRpcMessage message) {
        RequestId owed = owedAnswer(message);
        Optional<RequestId> cancelled = cancelledRequest(message);
        return guard.read(() -> {
            if (route instanceof SessionRoute.DaemonRoute) {
                if (owed != null) {
                    pending.sent(owed, rawOf(message));
                } else if (cancelled.isPresent()) {
                    pending.cancelled(cancelled.get());
                    answered.signalAll();
                }
            }
            return route;
        });
    }

    /** The in-process session when the route is in-process now, else {@code null}. */
    McpServerSession inProcessRoute() {
        return guard.read(() -> route instanceof SessionRoute.InProcessRoute(McpServerSession session) ? session : null);
    }

    /**
     * Review finding 14: whether a line the daemon on {@code from} sent is owed to the host: {@code from} is current
     * and, for a response, its id is still pending (it leaves the pending set). When owed, the line counts as being
     * forwarded until {@link #forwarded()}.
     */
    boolean takeForHost(DaemonLink from, JsonRpcMessage message) {
        return guard.read(() -> {
            boolean owed = isCurrent(from);
            if (owed && message instanceof JsonRpcMessage.Response response && response.id() != null) {
                owed = pending.answered(response.id());
            }
            forwarding += owed ? 1 : 0;
            return owed;
        });
    }

    /** A line taken by {@link #takeForHost} has been queued for the host (or the host is gone). */
    void forwarded() {
        guard.run(() -> {
            forwarding--;
            answered.signalAll();
        });
    }

    /**
     * The link {@code from} failed. When it is current and the proxy is not closing, routes in-process and takes
     * every request still pending on it (B-G3, B-G4).
     *
     * @return what the link owed; empty when {@code from} is not current or the proxy is closing
     */
    Optional<Loss> lose(DaemonLink from, String why) {
        return guard.read(() -> {
            if (!isCurrent(from) || closing) {
                return Optional.empty();
            }
            int count = pending.size();
            McpServerSession session = fallBack(why);
            List<Map<String, Object>> owed = pending.drain();
            answered.signalAll();
            return Optional.of(new Loss(session, owed, count));
        });
    }

    /** Routes the session in-process (B-G4), opening the in-process session on first use. */
    McpServerSession fallBack(String why) {
        return guard.read(() -> {
            if (local == null) {
                log.info("serving in-process: {}", why);
                local = openInProcess.get();
            }
            route = new SessionRoute.InProcessRoute(local);
            return local;
        });
    }

    /** Makes {@code daemonRoute} current (the first connect). */
    void connected(SessionRoute.DaemonRoute daemonRoute) {
        guard.run(() -> route = daemonRoute);
    }

    /**
     * B-G5: makes {@code daemonRoute} current when no call runs in-process. The caller holds the proxy's dispatch
     * lock, so no in-process call can start meanwhile.
     *
     * @param onMove run under the lock when moved, before any other thread can see the new route
     */
    Move moveBack(SessionRoute.DaemonRoute daemonRoute, Runnable onMove) {
        return guard.read(() -> {
            if (closing) {
                return Move.CLOSING;
            }
            if (local != null && local.inFlightCalls() > 0) {
                return Move.BUSY;
            }
            onMove.run();
            route = daemonRoute;
            return Move.MOVED;
        });
    }

    /** The in-process session, once opened, else {@code null}. */
    McpServerSession inProcessSession() {
        return guard.read(() -> local);
    }

    /**
     * B-G1: waits until every request sent to the daemon is answered and every answer taken is queued for the host,
     * at most {@code timeout}.
     */
    void awaitAnswers(Duration timeout) {
        try {
            guard.awaitUntil(answered,
                    () -> (pending.isEmpty() || !(route instanceof SessionRoute.DaemonRoute)) && forwarding == 0,
                    ticker, ticker.deadlineAfter(timeout));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Marks the proxy closing: no loss is answered and no move happens after this.
     *
     * @return the route current until now, to close
     */
    SessionRoute close() {
        return guard.read(() -> {
            closing = true;
            return route;
        });
    }

    private boolean isCurrent(DaemonLink link) {
        return route instanceof SessionRoute.DaemonRoute(DaemonLink current, LineWriter writer) && current == link;
    }

    /**
     * The id the daemon will answer: a request's, or an invalid message's readable id (the daemon answers
     * {@code -32600} with it); {@code null} for anything that gets no answer carrying an id.
     */
    static RequestId owedAnswer(JsonRpcMessage message) {
        return switch (message) {
            case JsonRpcMessage.Request request -> request.id();
            case JsonRpcMessage.Invalid invalid when invalid.answer() -> invalid.id();
            case null, default -> null;
        };
    }

    private static Map<String, Object> rawOf(JsonRpcMessage message) {
        return switch (message) {
            case JsonRpcMessage.Request request -> request.raw();
            case JsonRpcMessage.Invalid invalid -> invalid.raw();
            case null, default -> Map.of();
        };
    }

    /** The request a {@code notifications/cancelled} names (B-M7). */
    private static Optional<RequestId> cancelledRequest(JsonRpcMessage message) {
        if (message instanceof JsonRpcMessage.Notification notification
                && "notifications/cancelled".equals(notification.method())) {
            Map<String, Object> params = Json.asObject(notification.params());
            return params == null ? Optional.empty() : RequestId.of(params.get("requestId"));
        }
        return Optional.empty();
    }
}
