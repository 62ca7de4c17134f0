package dev.mcpd.application.jsonrpc;

import static java.util.Objects.requireNonNull;

import java.math.BigInteger;
import java.util.Optional;

/**
 * A JSON-RPC request id: a string or an integral number (JSON-RPC 2.0 §4; MCP forbids {@code null}). Ids compare by
 * JSON value (B-W6): the string {@code "1"} and the number {@code 1} are different ids, and {@code 1} read as an
 * {@code Integer}, a {@code Long} or a {@code BigInteger} is one id.
 */
public sealed interface RequestId {

    /**
     * The id as a JSON-shaped Java value, to echo in a response: a {@link String}, or the smallest of
     * {@link Integer}, {@link Long} and {@link BigInteger} that holds the number (as a JSON codec yields it).
     */
    Object json();

    /** A string id. */
    record Text(String value) implements RequestId {
        public Text {
            requireNonNull(value, "value is null");
        }

        @Override
        public Object json() {
            return value;
        }

        @Override
        public String toString() {
            return '"' + value + '"';
        }
    }

    /** An integral number id. */
    record Number(BigInteger value) implements RequestId {
        public Number {
            requireNonNull(value, "value is null");
        }

        @Override
        public Object json() {
            if (value.bitLength() < Integer.SIZE) {
                return value.intValue();
            }
            return value.bitLength() < Long.SIZE ? (Object) value.longValue() : value;
        }

        @Override
        public String toString() {
            return value.toString();
        }
    }

    /**
     * Reads an id from a parsed JSON value.
     *
     * @param json what the message's {@code id} member holds, or {@code null} when it has none
     * @return the id; empty for {@code null}, fractions, booleans, arrays and objects (not ids, JSON-RPC 2.0 §4)
     */
    static Optional<RequestId> of(Object json) {
        return switch (json) {
            case String s -> Optional.of(new Text(s));
            case Integer i -> Optional.of(new Number(BigInteger.valueOf(i)));
            case Long l -> Optional.of(new Number(BigInteger.valueOf(l)));
            case BigInteger b -> Optional.of(new Number(b));
            case null, default -> Optional.empty();
        };
    }

    /** Whether {@code json} is a request id: a string or an integral number (JSON-RPC 2.0 §4). */
    static boolean isValid(Object json) {
        return of(json).isPresent();
    }
}
