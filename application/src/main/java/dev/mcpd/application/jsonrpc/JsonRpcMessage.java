package dev.mcpd.application.jsonrpc;

import java.util.Map;
import java.util.Optional;

/**
 * One parsed JSON-RPC 2.0 line, classified once by {@link JsonRpcMessages#classify}. Each variant keeps the message
 * it came from ({@code raw}, or {@code null} when the line was not a JSON object) so that a proxy can pass it on
 * unchanged.
 */
public sealed interface JsonRpcMessage {

    /**
     * A request: {@code "jsonrpc":"2.0"}, a string {@code method} and a valid {@link RequestId} (JSON-RPC 2.0 §4).
     *
     * @param params the {@code params} member, or {@code null} when absent
     */
    record Request(RequestId id, String method, Object params, Map<String, Object> raw) implements JsonRpcMessage {}

    /** A notification: like a request, without an {@code id} member (JSON-RPC 2.0 §4.1); it gets no answer. */
    record Notification(String method, Object params, Map<String, Object> raw) implements JsonRpcMessage {}

    /**
     * A response: no {@code method}, an {@code id} member and a {@code result} or an {@code error} (JSON-RPC 2.0 §5).
     *
     * @param id the request it answers, or {@code null} when its {@code id} is not a valid id (e.g. {@code null}
     *     in an error about a line the peer could not read)
     */
    record Response(RequestId id, Map<String, Object> raw) implements JsonRpcMessage {

        /** The request this response answers, when its id could be read. */
        public Optional<RequestId> requestId() {
            return Optional.ofNullable(id);
        }

        /** Whether this is an error response (it has an {@code error} member). */
        public boolean isError() {
            return raw.containsKey("error");
        }
    }

    /**
     * Anything else: not an object, a batch, or an object that breaks the envelope rules.
     *
     * @param reason the {@code -32600} message to answer with, starting {@code "Invalid Request: "}
     * @param id the message's id when it could be read, else {@code null}: the error answer carries it
     * @param answer whether it gets an error answer; a bad envelope without an {@code id} member that names a method
     *     looks like a notification and gets none
     * @param raw the message when it was an object, else {@code null}
     */
    record Invalid(String reason, RequestId id, boolean answer, Map<String, Object> raw) implements JsonRpcMessage {

        /** The id to answer with, when it could be read. */
        public Optional<RequestId> requestId() {
            return Optional.ofNullable(id);
        }
    }
}
