package dev.mcpd.domain.testing;

import dev.mcpd.domain.model.ClientId;
import dev.mcpd.domain.port.CallContext;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** A {@link CallContext} for tests: never cancelled unless {@link #cancel()} is called; records progress. */
public final class SimpleCallContext implements CallContext {

    private final Instant deadline;
    private final Map<String, String> environment;
    private final List<Runnable> onCancel = new CopyOnWriteArrayList<>();
    private final List<Double> progress = new CopyOnWriteArrayList<>();
    private volatile boolean cancelled;

    public SimpleCallContext(Instant deadline, Map<String, String> environment) {
        this.deadline = deadline;
        this.environment = environment;
    }

    public static SimpleCallContext forSeconds(long seconds) {
        return new SimpleCallContext(Instant.now().plusSeconds(seconds), Map.of());
    }

    public void cancel() {
        cancelled = true;
        onCancel.forEach(Runnable::run);
    }

    public List<Double> progressReported() {
        return List.copyOf(progress);
    }

    @Override
    public ClientId client() {
        return null;
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

    @Override
    public void onCancel(Runnable action) {
        if (cancelled) {
            action.run();
        } else {
            onCancel.add(action);
        }
    }

    @Override
    public void progress(double value, Double total, String message) {
        progress.add(value);
    }
}
