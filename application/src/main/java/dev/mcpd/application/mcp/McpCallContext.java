package dev.mcpd.application.mcp;

import dev.mcpd.application.jsonrpc.JsonRpc;
import dev.mcpd.domain.model.ClientId;
import dev.mcpd.domain.port.CallContext;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** The {@link CallContext} of one {@code tools/call}: cancellation, deadline and monotonic progress (B-M7). */
final class McpCallContext implements CallContext {

    private final ClientId client;
    private final Map<String, String> environment;
    private final Instant deadline;
    private final Object progressToken;
    private final Consumer<Map<String, Object>> notifier;
    private final List<Runnable> cancelActions = new CopyOnWriteArrayList<>();
    private volatile boolean cancelled;
    private double lastProgress = Double.NEGATIVE_INFINITY;

    McpCallContext(ClientId client, Map<String, String> environment, Instant deadline, Object progressToken,
            Consumer<Map<String, Object>> notifier) {
        this.client = client;
        this.environment = environment;
        this.deadline = deadline;
        this.progressToken = progressToken;
        this.notifier = notifier;
    }

    @Override
    public ClientId client() {
        return client;
    }

    @Override
    public Map<String, String> environment() {
        return environment;
    }

    @Override
    public Instant deadline() {
        return deadline;
    }

    @Override
    public boolean isCancelled() {
        return cancelled;
    }

    /** Marks the call cancelled and runs the cancel actions; idempotent. */
    void cancel() {
        if (cancelled) {
            return;
        }
        cancelled = true;
        for (Runnable action : cancelActions) {
            try {
                action.run();
            } catch (RuntimeException e) {
                // a failing cancel action must not stop the others
            }
        }
    }

    @Override
    public void onCancel(Runnable action) {
        cancelActions.add(action);
        if (cancelled) {
            action.run();
        }
    }

    @Override
    public synchronized void progress(double progress, Double total, String message) {
        if (progressToken == null || cancelled || progress <= lastProgress) {
            return;
        }
        lastProgress = progress;
        notifier.accept(JsonRpc.notification("notifications/progress",
                Json.object("progressToken", progressToken, "progress", progress, "total", total, "message", message)));
    }
}
