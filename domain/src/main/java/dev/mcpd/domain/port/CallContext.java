package dev.mcpd.domain.port;

import dev.mcpd.domain.model.ClientId;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CancellationException;

/**
 * What an engine may know and do while it runs one tool call.
 *
 * <p>Cancellation (B-M7): when the client sends {@code notifications/cancelled}, {@link #isCancelled()} turns
 * true, the callbacks given to {@link #onCancel(Runnable)} run, and the calling thread is interrupted. No response
 * is sent for a cancelled call, so an engine may simply throw.
 */
public interface CallContext {

    /** The calling client, or {@code null} when the call is served in-process by a proxy. */
    ClientId client();

    /** Environment forwarded by the client's hello (B-G6); empty when none was sent. */
    Map<String, String> environment();

    /** The instant by which the call must have finished; engines derive their own per-operation deadlines from it. */
    Instant deadline();

    /** Whether the client has cancelled this call. */
    boolean isCancelled();

    /**
     * Throws if the call was cancelled.
     *
     * @throws CancellationException when {@link #isCancelled()}
     */
    default void throwIfCancelled() {
        if (isCancelled()) {
            throw new CancellationException("cancelled by the client");
        }
    }

    /** Runs {@code action} once when the call is cancelled (at once if it already was), e.g. to abort a backend request. */
    void onCancel(Runnable action);

    /**
     * Reports progress when the client asked for it with {@code _meta.progressToken}; otherwise a no-op.
     * Values that do not increase are dropped, so progress seen by the client is monotonic (B-M7).
     *
     * @param progress work done so far, in any unit
     * @param total total work in the same unit, or {@code null} if unknown
     * @param message a short human-readable status, or {@code null}
     */
    void progress(double progress, Double total, String message);
}
