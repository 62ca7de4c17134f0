package dev.mcpd.application.jsonrpc;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The requests a peer forwarded and still owes an answer to, by id, in the order they were sent (B-G3): each leaves
 * on its answer, on its cancellation (B-M7: a cancelled request gets none) or when the connection is lost, and an
 * answer to an id that is not pending is not owed (review finding 14).
 *
 * <p>Not thread-safe: its owner guards it with the lock that also guards the connection it belongs to, so that
 * "still the current connection" and "still pending" are decided together.
 */
public final class PendingRequests {

    private final Map<RequestId, Map<String, Object>> pending = new LinkedHashMap<>();

    /**
     * Records a request sent.
     *
     * @param message the request as sent, kept to answer or replay it if the connection is lost
     */
    public void sent(RequestId id, Map<String, Object> message) {
        pending.put(id, message);
    }

    /**
     * Takes the request that {@code id} answers.
     *
     * @return whether it was pending, i.e. whether the answer is owed to the peer
     */
    public boolean answered(RequestId id) {
        return pending.remove(id) != null;
    }

    /** Forgets a request the peer cancelled (B-M7); unknown ids are ignored. */
    public void cancelled(RequestId id) {
        pending.remove(id);
    }

    /** Takes every pending request, oldest first, when the connection is lost (B-G3). */
    public List<Map<String, Object>> drain() {
        List<Map<String, Object>> owed = new ArrayList<>(pending.values());
        pending.clear();
        return owed;
    }

    public boolean isEmpty() {
        return pending.isEmpty();
    }

    public int size() {
        return pending.size();
    }
}
