package dev.mcpd.application.gateway;

import static java.util.Objects.requireNonNull;

import dev.mcpd.application.jsonrpc.RequestId;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The id space of one child server shared by several sessions (ADR 0016, decision 3). Hosts pick their own request ids
 * and progress tokens, so two sessions may both send id {@code 1} with token {@code "1"}; forwarding them as they came
 * crossed sessions in peer gateways. Here every call gets a child-side id from one counter and, when it asked for
 * progress, a child-side token; responses and progress are mapped back to the one call they belong to. A host's
 * {@code notifications/cancelled} is translated to the child's id and reaches only that call; after a cancel the
 * call's progress and late response are dropped.
 *
 * @param <S> what identifies a session (the daemon's client id, say)
 */
public final class SharedChildCalls<S> {

    /**
     * One call in flight at the child.
     *
     * @param session the session that made it
     * @param hostId the id the host gave it
     * @param hostToken the host's progress token, or null when the host asked for no progress
     * @param childId the id the child sees
     * @param childToken the progress token the child sees, or null
     */
    public record Call<S>(S session, RequestId hostId, Object hostToken, long childId, String childToken) {

        /** @return the child-side id as a JSON-RPC id */
        public RequestId childRequestId() {
            return new RequestId.Number(BigInteger.valueOf(childId));
        }
    }

    private final Map<Long, Call<S>> byChildId = new LinkedHashMap<>();
    private final Map<String, Call<S>> byChildToken = new HashMap<>();
    private long nextId = 1;

    /**
     * Registers a call from {@code session}.
     *
     * @param hostToken the host's {@code _meta.progressToken}, or null
     * @return the call, with the child-side id and token to send instead of the host's
     * @throws IllegalStateException when the session already has a call with that id in flight (JSON-RPC ids are unique
     *         per session while in flight)
     */
    public synchronized Call<S> begin(S session, RequestId hostId, Object hostToken) {
        requireNonNull(session, "session is null");
        requireNonNull(hostId, "hostId is null");
        if (find(session, hostId).isPresent()) {
            throw new IllegalStateException("request id " + hostId + " is already in flight in this session");
        }
        long childId = nextId++;
        String childToken = hostToken == null ? null : "mcpd-progress-" + childId;
        Call<S> call = new Call<>(session, hostId, hostToken, childId, childToken);
        byChildId.put(childId, call);
        if (childToken != null) {
            byChildToken.put(childToken, call);
        }
        return call;
    }

    /** @return the call a child response with {@code childId} answers (and forgets it); empty for unknown or cancelled */
    public synchronized Optional<Call<S>> complete(RequestId childId) {
        if (!(childId instanceof RequestId.Number number) || number.value().bitLength() >= Long.SIZE) {
            return Optional.empty();
        }
        Call<S> call = byChildId.remove(number.value().longValue());
        if (call != null && call.childToken() != null) {
            byChildToken.remove(call.childToken());
        }
        return Optional.ofNullable(call);
    }

    /** @return the call a child's progress token belongs to; empty when it finished, was cancelled or never was */
    public synchronized Optional<Call<S>> progress(Object childToken) {
        return childToken instanceof String token ? Optional.ofNullable(byChildToken.get(token)) : Optional.empty();
    }

    /**
     * A host cancelled its request {@code hostId}.
     *
     * @return the call to cancel at the child (its {@link Call#childRequestId()}); empty when it is not in flight
     */
    public synchronized Optional<Call<S>> cancel(S session, RequestId hostId) {
        Optional<Call<S>> call = find(session, hostId);
        call.ifPresent(c -> forget(c.childId()));
        return call;
    }

    /**
     * The session a server→client request ({@code sampling/createMessage}, {@code elicitation/create},
     * {@code roots/list}) belongs to: the only session with calls in flight at this child.
     *
     * @return that session; empty when no session or more than one has calls in flight (refuse the request then)
     */
    public synchronized Optional<S> uniqueOwner() {
        List<S> sessions = byChildId.values().stream().map(Call::session).distinct().limit(2).toList();
        return sessions.size() == 1 ? Optional.of(sessions.getFirst()) : Optional.empty();
    }

    /** @return the calls of {@code session} in flight, forgotten (cancel them at the child when the session ends) */
    public synchronized List<Call<S>> endSession(S session) {
        List<Call<S>> ended = byChildId.values().stream().filter(c -> c.session().equals(session)).toList();
        ended.forEach(c -> forget(c.childId()));
        return ended;
    }

    /** @return every call in flight, forgotten (answer each with an error when the child died) */
    public synchronized List<Call<S>> failAll() {
        List<Call<S>> all = new ArrayList<>(byChildId.values());
        byChildId.clear();
        byChildToken.clear();
        return all;
    }

    /** @return how many calls are in flight (activity for the idle stop, ADR 0016 decision 7) */
    public synchronized int inFlight() {
        return byChildId.size();
    }

    private Optional<Call<S>> find(S session, RequestId hostId) {
        return byChildId.values().stream()
                .filter(c -> c.session().equals(session) && c.hostId().equals(hostId))
                .findFirst();
    }

    private void forget(long childId) {
        Call<S> call = byChildId.remove(childId);
        if (call != null && call.childToken() != null) {
            byChildToken.remove(call.childToken());
        }
    }
}
