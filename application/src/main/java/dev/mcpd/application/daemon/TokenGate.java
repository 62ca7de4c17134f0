package dev.mcpd.application.daemon;

import dev.mcpd.domain.model.AccessToken;
import dev.mcpd.domain.model.ClientHello;

/**
 * The token check of a TCP connection (B-T3): while the daemon has a token, the first line must be a client hello
 * carrying it, compared in constant time ({@link AccessToken#matches}).
 */
final class TokenGate {

    private TokenGate() {}

    /** @return why a TCP peer is refused (B-T3), or null when its first line is a hello with the daemon's token */
    static String refusal(AccessToken token, HelloProtocol.Parsed first) {
        if (!(first instanceof HelloProtocol.Parsed.Hello(ClientHello hello))) {
            return "its first line was not a client hello with a token";
        }
        if (hello.token() == null) {
            return "its hello had no token";
        }
        return token.matches(hello.token()) ? null : "its hello had a wrong token";
    }

    /** @return the error message a refused TCP peer is sent, saying why and how to pass the token */
    static String refusalMessage(String refusal) {
        return "mcpd refused this connection: " + refusal
                + ". Pass the token from the daemon's daemon.json, e.g. `mcpd serve --mcp --connect tcp://HOST:PORT"
                + " --token-file PATH/daemon.json`";
    }
}
